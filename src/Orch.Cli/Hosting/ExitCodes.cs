namespace Orch.Cli.Hosting;

/// <summary>The documented exit codes (README, "Exit codes"). Every command maps its result here and nowhere else.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int WorkFailed = 1;
    public const int InvalidInput = 2;
    public const int BudgetExceeded = 3;
    public const int BreakerOpen = 4;

    /// <summary>A handed-over workstream's job went to another worker meanwhile; nothing more was recorded (EX_TEMPFAIL).</summary>
    public const int LostToAnotherWorker = 75;

    /// <summary>Cancelled by Ctrl-C (SIGINT), or by a cancel from within.</summary>
    public const int Cancelled = 130;

    /// <summary>Cancelled by SIGHUP: the terminal closed.</summary>
    public const int HangUp = 129;

    /// <summary>Cancelled by SIGTERM (<c>kill</c>, a CI timeout, a container stop).</summary>
    public const int Terminated = 143;
}
