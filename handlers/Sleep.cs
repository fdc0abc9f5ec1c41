using FunctionCompute.Runtime;
using Microsoft.Extensions.Logging;

namespace SampleFunctions;

/// <summary>The event of <c>sleep</c>: <c>{"milliseconds": 1500}</c>.</summary>
public sealed record SleepEvent(int Milliseconds);

/// <summary>The result of <c>sleep</c>.</summary>
public sealed record SleepResult(int Slept);

/// <summary>
/// <c>sleep</c>: waits, honouring the invocation's <see cref="IFcContext.CancellationToken"/>, which
/// the runtime cancels at the function timeout or when the caller goes away. Shows how long work
/// should be written; also used to test graceful shutdown with work in flight.
/// </summary>
public static class Sleep
{
    /// <summary>Sleeps for the requested time unless cancelled first.</summary>
    public static async Task<SleepResult> HandleAsync(SleepEvent input, IFcContext context)
    {
        context.Logger.LogInformation("sleeping {Milliseconds} ms ({Remaining} left before the timeout)", input.Milliseconds, context.RemainingTime);
        await Task.Delay(Math.Max(0, input.Milliseconds), context.CancellationToken);
        return new SleepResult(input.Milliseconds);
    }
}
