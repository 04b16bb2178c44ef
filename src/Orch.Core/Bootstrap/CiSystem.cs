namespace Orch.Core.Bootstrap;

/// <summary>A CI system and the files that show a repository uses it.</summary>
public sealed record CiSystem(string Id, string Name)
{
    /// <summary>The CI system a file (relative to the repository, with '/') belongs to, or <see langword="null"/>.</summary>
    public static CiSystem? Of(string relativePath)
    {
        var name = relativePath.Split('/')[^1];
        return relativePath switch
        {
            _ when relativePath.StartsWith(".github/workflows/", StringComparison.Ordinal) && IsYaml(name) => new("github-actions", "GitHub Actions"),
            ".gitlab-ci.yml" or ".gitlab-ci.yaml" => new("gitlab", "GitLab"),
            "azure-pipelines.yml" or "azure-pipelines.yaml" or ".azure-pipelines.yml" => new("azure-pipelines", "Azure Pipelines"),
            _ when relativePath.StartsWith(".azure-pipelines/", StringComparison.Ordinal) && IsYaml(name) => new("azure-pipelines", "Azure Pipelines"),
            "Jenkinsfile" => new("jenkins", "Jenkins"),
            "appveyor.yml" or ".appveyor.yml" or "appveyor.yaml" => new("appveyor", "AppVeyor"),
            ".circleci/config.yml" or ".circleci/config.yaml" => new("circleci", "CircleCI"),
            _ => null,
        };
    }

    private static bool IsYaml(string name) => name.EndsWith(".yml", StringComparison.Ordinal) || name.EndsWith(".yaml", StringComparison.Ordinal);
}
