using System.Globalization;

namespace FunctionCompute.Runtime;

/// <summary>
/// The instance-level facts FC puts in the environment (<c>FC_FUNCTION_NAME</c>, <c>FC_REGION</c>, ...),
/// read once at start-up. Request headers take precedence; these fill the gaps.
/// </summary>
public sealed record FcEnvironment
{
    /// <summary><c>FC_FUNCTION_NAME</c></summary>
    public string? FunctionName { get; init; }
    /// <summary><c>FC_FUNCTION_HANDLER</c></summary>
    public string? FunctionHandler { get; init; }
    /// <summary><c>FC_REGION</c></summary>
    public string? Region { get; init; }
    /// <summary><c>FC_ACCOUNT_ID</c></summary>
    public string? AccountId { get; init; }
    /// <summary><c>FC_INSTANCE_ID</c></summary>
    public string? InstanceId { get; init; }
    /// <summary><c>FC_FUNCTION_MEMORY_SIZE</c> (MB)</summary>
    public int? MemoryLimitInMB { get; init; }
    /// <summary><c>FC_FUNC_CODE_PATH</c>, where the code package is unpacked (<c>/code</c> on FC).</summary>
    public string? CodePath { get; init; }

    /// <summary>An environment with nothing set.</summary>
    public static FcEnvironment Empty { get; } = new();

    /// <summary>Reads the variables through <paramref name="get"/> (the process environment by default).</summary>
    public static FcEnvironment Read(Func<string, string?>? get = null)
    {
        get ??= Environment.GetEnvironmentVariable;
        string? Value(string name) => get(name) is { Length: > 0 } v ? v : null;
        return new FcEnvironment
        {
            FunctionName = Value("FC_FUNCTION_NAME"),
            FunctionHandler = Value("FC_FUNCTION_HANDLER"),
            Region = Value("FC_REGION"),
            AccountId = Value("FC_ACCOUNT_ID"),
            InstanceId = Value("FC_INSTANCE_ID"),
            MemoryLimitInMB = int.TryParse(Value("FC_FUNCTION_MEMORY_SIZE"), NumberStyles.None, CultureInfo.InvariantCulture, out var mb) ? mb : null,
            CodePath = Value("FC_FUNC_CODE_PATH"),
        };
    }
}
