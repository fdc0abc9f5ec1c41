namespace FunctionCompute.Runtime.Tests.Infrastructure;

/// <summary>A clock that always reads <paramref name="now"/>: log lines with a known timestamp.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
