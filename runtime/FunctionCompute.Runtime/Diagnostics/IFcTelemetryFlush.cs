namespace FunctionCompute.Runtime;

/// <summary>
/// Sends what the app's telemetry still holds before FC gets a call's answer: FC freezes an instance as soon as it has
/// answered, so spans or metrics still buffered then would sit unsent until the next call, or be lost with the
/// instance. Register one as a singleton service (the OpenTelemetry export of <c>FunctionCompute.Runtime.OpenTelemetry</c>
/// does); the runtime awaits it once per call, after the call's work is done and its Activity stopped, and before its
/// answer is written. With none registered, a call pays nothing for it.
/// </summary>
public interface IFcTelemetryFlush
{
    /// <summary>
    /// Exports what was recorded; must finish within a short, bounded time whatever the collector does (an answer waits
    /// for it), and must not throw.
    /// </summary>
    /// <param name="instanceStopping">True for FC's pre-stop call: the instance is about to go, send everything (metrics too).</param>
    ValueTask FlushAsync(bool instanceStopping);
}
