namespace Orch.Core.Workflow;

public static class PhaseNames
{
    public const string Edit = "EDIT";
    public const string Static = "STATIC";
    public const string Runtime = "RUNTIME";
    public const string Fix = "FIX";
}
