namespace FunctionCompute.Runtime;

/// <summary>The function's configuration as FC sends it with each call (names as in FC's retired .NET runtime).</summary>
public sealed record FunctionParam
{
    /// <summary>The function's name.</summary>
    public string FunctionName { get; init; } = "";
    /// <summary>The configured handler string (<c>handler</c> in s.yaml).</summary>
    public string FunctionHandler { get; init; } = "";
    /// <summary>The configured initializer handler, if any.</summary>
    public string? FunctionInitializer { get; init; }
    /// <summary>Memory limit in MB; null when absent or malformed.</summary>
    public int? MemoryLimitInMB { get; init; }
    /// <summary>Function timeout in seconds; null when absent or malformed.</summary>
    public int? FunctionTimeout { get; init; }
    /// <summary>Initializer timeout in seconds; null when absent or malformed.</summary>
    public int? InitializationTimeout { get; init; }
    /// <summary>The configured pre-stop hook handler, if any.</summary>
    public string? PreStopHandler { get; init; }
    /// <summary>The configured pre-freeze hook handler (FC 2.0), if any.</summary>
    public string? PreFreezeHandler { get; init; }
}

/// <summary>Where the function lives and logs (names as in FC's retired .NET runtime).</summary>
public sealed record ServiceMeta
{
    /// <summary>The service name (FC 2.0; empty on FC 3.0).</summary>
    public string Name { get; init; } = "";
    /// <summary>The SLS project of the function's logs.</summary>
    public string LogProject { get; init; } = "";
    /// <summary>The SLS logstore of the function's logs.</summary>
    public string LogStore { get; init; } = "";
    /// <summary>The alias or version invoked (<c>LATEST</c> by default).</summary>
    public string Qualifier { get; init; } = "";
    /// <summary>The version invoked.</summary>
    public string VersionId { get; init; } = "";
}
