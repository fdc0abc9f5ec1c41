using FunctionCompute.Oss.Http;

namespace FunctionCompute.Oss.Tests;

public sealed class RetryBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(200), Max = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(0, 200)]
    [InlineData(1, 400)]
    [InlineData(2, 800)]
    [InlineData(6, 12800)]
    public void EachRetryWaitsInTheUpperHalfOfItsExponentialStep(int retry, int stepMilliseconds)
    {
        var step = TimeSpan.FromMilliseconds(stepMilliseconds);
        var delays = Enumerable.Range(0, 200).Select(_ => RetryBackoff.Delay(retry, Base, Max)).ToList();
        Assert.All(delays, d => Assert.InRange(d, step / 2, step));
        // Jittered: clients that failed together spread out.
        Assert.True(delays.Distinct().Count() > 10);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(40)]
    [InlineData(int.MaxValue)]
    public void LaterRetriesAreCappedAtTheMaxDelay(int retry)
    {
        Assert.All(Enumerable.Range(0, 50).Select(_ => RetryBackoff.Delay(retry, Base, Max)), d => Assert.InRange(d, Max / 2, Max));
    }

    [Fact]
    public void ZeroDelaysRetryAtOnce()
    {
        Assert.Equal(TimeSpan.Zero, RetryBackoff.Delay(3, TimeSpan.Zero, Max));
        Assert.Equal(TimeSpan.Zero, RetryBackoff.Delay(int.MaxValue, TimeSpan.Zero, Max));
        Assert.Equal(TimeSpan.Zero, RetryBackoff.Delay(3, Base, TimeSpan.Zero));
    }
}
