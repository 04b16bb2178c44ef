namespace Orch.Core.Git;

/// <summary>A git command failed where Orch needed it to succeed.</summary>
public sealed class GitException : Exception
{
    public GitException()
    {
    }

    public GitException(string message) : base(message)
    {
    }

    public GitException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
