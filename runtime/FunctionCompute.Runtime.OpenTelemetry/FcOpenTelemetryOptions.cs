namespace FunctionCompute.Runtime;

/// <summary>What <see cref="FcOpenTelemetry.AddFcOpenTelemetry"/> exports besides the runtime's own sources and meter.</summary>
public sealed class FcOpenTelemetryOptions
{
    /// <summary>More ActivitySource names to export (the app's own, or <c>System.Net.Http</c> for HttpClient's spans).</summary>
    public IList<string> Sources { get; } = [];

    /// <summary>More meter names to export.</summary>
    public IList<string> Meters { get; } = [];
}
