namespace FunctionCompute.Oss.Http;

/// <summary>
/// The wait before each retry: exponential from <see cref="OssClientOptions.RetryBaseDelay"/> (base, 2×base, 4×base...),
/// capped at <see cref="OssClientOptions.RetryMaxDelay"/>, and jittered into its upper half so clients that failed
/// together do not come back together.
/// </summary>
internal static class RetryBackoff
{
    /// <summary>The wait before retry number <paramref name="retry"/> (0 for the first retry).</summary>
    public static TimeSpan Delay(int retry, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        // In double, and the exponent bounded: no overflow (nor 0 × infinity) for any retry count; the cap bounds the rest.
        var ceiling = Math.Min(baseDelay.Ticks * Math.Pow(2, Math.Min(retry, 62)), maxDelay.Ticks);
        return TimeSpan.FromTicks((long)(ceiling * (0.5 + Random.Shared.NextDouble() / 2)));
    }
}
