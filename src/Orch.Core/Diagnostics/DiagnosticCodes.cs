namespace Orch.Core.Diagnostics;

/// <summary>
/// Every ORCH code, in one place so codes are never reused. 1xxx: input files; 2xxx: state; 3xxx: execution.
/// docs/diagnostics.md lists them for users.
/// </summary>
public static class DiagnosticCodes
{
    public const string FileNotFound = "ORCH1001";
    public const string SyntaxError = "ORCH1002";
    public const string UnknownFormat = "ORCH1003";
    public const string UnknownField = "ORCH1004";
    public const string WrongType = "ORCH1005";
    public const string MissingField = "ORCH1006";
    public const string InvalidValue = "ORCH1007";
    public const string UnrenderedPlaceholder = "ORCH1008";
    public const string WindowsPath = "ORCH1009";
    public const string PathOutsideRepository = "ORCH1010";
    public const string LiteralSecret = "ORCH1011";
    public const string EmptyInput = "ORCH1012";

    // 1101-1104 live in PlanValidator; 1105 (legacy schema mismatch) in SchemaValidator.
    public const string LegacyConfiguration = "ORCH1106";
    public const string LegacyProfile = "ORCH1107";

    public const string StateUnusable = "ORCH2001";
    public const string NotFoundInState = "ORCH2002";

    public const string ToolMissing = "ORCH3001";
}
