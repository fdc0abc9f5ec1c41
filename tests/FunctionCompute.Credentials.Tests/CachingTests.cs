using FunctionCompute.Credentials.Caching;
using FunctionCompute.Credentials.Tests.StandIns;

namespace FunctionCompute.Credentials.Tests;

public sealed class CachingTests
{
    private readonly ManualTimeProvider _time = new();
    private int _fetches;
    private Func<DateTimeOffset, TimeSpan> _lifetime = _ => TimeSpan.FromHours(1);
    private Exception? _failWith;
    private TaskCompletionSource? _gate;

    private CachedCredentialsProvider Cache(CachingOptions? options = null) => new(async ct =>
    {
        var n = Interlocked.Increment(ref _fetches);
        if (_gate is { } gate) await gate.Task;
        if (_failWith is { } failure) throw failure;
        var now = _time.GetUtcNow();
        return new CloudCredentials($"STS.key{n}", $"secret-{n}", $"token-{n}", now + _lifetime(now));
    }, "test", options, _time);

    [Fact]
    public async Task CachesUntil15MinutesBeforeExpiry_ThenRefreshes()
    {
        var cache = Cache();
        Assert.Equal("STS.key1", (await cache.GetCredentialsAsync()).AccessKeyId);
        _time.Advance(TimeSpan.FromMinutes(44));
        Assert.Equal("STS.key1", (await cache.GetCredentialsAsync()).AccessKeyId);
        Assert.Equal(1, _fetches);
        _time.Advance(TimeSpan.FromMinutes(1)); // 15 min before the 1 h expiry
        Assert.Equal("STS.key2", (await cache.GetCredentialsAsync()).AccessKeyId);
        Assert.Equal(2, cache.RefreshCount);
    }

    [Fact]
    public async Task ShortLivedCredentials_RefreshAtHalfTheirLifetime()
    {
        _lifetime = _ => TimeSpan.FromMinutes(10);
        var cache = Cache();
        await cache.GetCredentialsAsync();
        _time.Advance(TimeSpan.FromMinutes(4.9));
        await cache.GetCredentialsAsync();
        Assert.Equal(1, _fetches);
        _time.Advance(TimeSpan.FromMinutes(0.2));
        Assert.Equal("STS.key2", (await cache.GetCredentialsAsync()).AccessKeyId);
    }

    [Fact]
    public async Task FailedRefresh_KeepsServingTheValidCredential_RetriesLater_AndNeverServesAnExpiredOne()
    {
        var cache = Cache(new CachingOptions { RetryDelay = TimeSpan.FromSeconds(30), MaxRetryDelay = TimeSpan.FromMinutes(2) });
        await cache.GetCredentialsAsync();
        _failWith = new CredentialsException("test", "backend down");
        _time.Advance(TimeSpan.FromMinutes(50)); // stale, still valid for 10 min
        Assert.Equal("STS.key1", (await cache.GetCredentialsAsync()).AccessKeyId);
        Assert.Equal(2, _fetches);
        _time.Advance(TimeSpan.FromSeconds(10)); // inside the retry delay: no new attempt
        Assert.Equal("STS.key1", (await cache.GetCredentialsAsync()).AccessKeyId);
        Assert.Equal(2, _fetches);
        _time.Advance(TimeSpan.FromSeconds(25)); // past it: one more attempt, still failing
        Assert.Equal("STS.key1", (await cache.GetCredentialsAsync()).AccessKeyId);
        Assert.Equal(3, _fetches);

        _time.Set(new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero) - TimeSpan.FromSeconds(5)); // within the 10 s expiry buffer
        var ex = await Assert.ThrowsAsync<CredentialsException>(() => cache.GetCredentialsAsync().AsTask());
        Assert.Contains("backend down", ex.Message);

        _failWith = null;
        Assert.StartsWith("STS.key", (await cache.GetCredentialsAsync()).AccessKeyId);
        Assert.NotEqual("STS.key1", (await cache.GetCredentialsAsync()).AccessKeyId);
    }

    [Fact]
    public async Task AlreadyExpiredCredentials_AreNeverReturned()
    {
        _lifetime = _ => TimeSpan.FromSeconds(-1);
        var ex = await Assert.ThrowsAsync<CredentialsException>(() => Cache().GetCredentialsAsync().AsTask());
        Assert.Contains("already expired", ex.Message);
    }

    [Fact]
    public async Task ConcurrentCallers_ShareOneRefresh()
    {
        var cache = Cache();
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 200).Select(_ => Task.Run(() => cache.GetCredentialsAsync().AsTask())).ToArray();
        await Task.Delay(100);
        _gate.SetResult();
        var results = await Task.WhenAll(callers);
        Assert.Equal(1, _fetches);
        Assert.All(results, r => Assert.Equal("STS.key1", r.AccessKeyId));
    }

    [Fact]
    public async Task ACallersCancellation_DoesNotCancelTheSharedRefresh()
    {
        var cache = Cache();
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();
        var cancelled = cache.GetCredentialsAsync(cts.Token).AsTask();
        var patient = cache.GetCredentialsAsync().AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        _gate.SetResult();
        Assert.Equal("STS.key1", (await patient).AccessKeyId);
        Assert.Equal(1, _fetches);
    }

    [Fact]
    public async Task CredentialsWithoutExpiry_AreCachedUntilInvalidated()
    {
        var calls = 0;
        var cache = new CachedCredentialsProvider(_ => new ValueTask<CloudCredentials>(new CloudCredentials($"LTAI{++calls}", "s")), "static", null, _time);
        await cache.GetCredentialsAsync();
        _time.Advance(TimeSpan.FromDays(30));
        Assert.Equal("LTAI1", (await cache.GetCredentialsAsync()).AccessKeyId);
        cache.Invalidate();
        Assert.Equal("LTAI2", (await cache.GetCredentialsAsync()).AccessKeyId);
    }
}
