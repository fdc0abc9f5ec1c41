using System.Net;
using System.Text;
using FunctionCompute.Oss;
using FunctionCompute.OssEmulator.Faults;
using static FunctionCompute.OssEmulator.Tests.TestEnv;

namespace FunctionCompute.OssEmulator.Tests;

public sealed class FaultTests : IAsyncLifetime
{
    private OssEmulatorServer _emu = null!;
    private OssClient _client = null!;

    public async Task InitializeAsync()
    {
        _emu = await StartAsync();
        _client = Client(_emu);
    }

    public async Task DisposeAsync() => await _emu.DisposeAsync();

    [Fact]
    public async Task Two503s_AreRetried_ThirdAttemptSucceeds()
    {
        _emu.Faults.FailNext("PutObject", times: 2);
        await _client.PutObjectAsync(Bucket, "retry.txt", "v");

        var puts = _emu.RequestsFor("PutObject");
        Assert.Equal([503, 503, 200], puts.Select(p => p.StatusCode));
        Assert.Equal(["ServiceUnavailable", "ServiceUnavailable", null], puts.Select(p => p.ErrorCode));
        Assert.Equal("v", Encoding.UTF8.GetString(_emu.Objects.ReadAllBytes(Bucket, "retry.txt")));
        Assert.Empty(_emu.Faults.Pending);
        Assert.Equal(2, _emu.Faults.Applied.Count);
    }

    [Fact]
    public async Task Persistent500s_ExhaustTheRetries()
    {
        _emu.Faults.FailNext("GetObject", times: 0, statusCode: 500);
        await _client.PutObjectAsync(Bucket, "k", "v");
        var e = await AssertFailsAsync(() => _client.GetObjectAsync(Bucket, "k"), 500, "InternalError");
        Assert.Equal(3, _emu.RequestsFor("GetObject").Count); // 1 + MaxRetries (2)
        Assert.Single(_emu.Faults.Pending); // unlimited until cleared
        _emu.Faults.Clear();
        await using var ok = await _client.GetObjectAsync(Bucket, "k");
        Assert.Equal("v", Encoding.UTF8.GetString(await ok.ReadAllAsync()));
        Assert.Contains("Injected", e.ErrorMessage);
    }

    [Fact]
    public async Task DroppedConnections_AreRetried()
    {
        _emu.Faults.ResetNext("PutObject");
        _emu.Faults.ResetNext("GetObject");
        await _client.PutObjectAsync(Bucket, "reset.bin", Bytes(50_000));
        await using (var get = await _client.GetObjectAsync(Bucket, "reset.bin"))
        {
            Assert.Equal(Bytes(50_000), await get.ReadAllAsync());
        }

        Assert.Equal([0, 200], _emu.RequestsFor("PutObject").Select(r => r.StatusCode));
        Assert.Equal([0, 200], _emu.RequestsFor("GetObject").Select(r => r.StatusCode));
        Assert.Equal("ResetConnection", _emu.RequestsFor("GetObject")[0].Fault);
    }

    [Fact]
    public async Task WrongCrcOnDownload_IsOssIntegrityException()
    {
        var data = Bytes(10_000);
        await _client.PutObjectAsync(Bucket, "crc.bin", data);
        _emu.Faults.CorruptCrc64Next("GetObject");
        await using var get = await _client.GetObjectAsync(Bucket, "crc.bin");
        var e = await Assert.ThrowsAsync<OssIntegrityException>(() => get.ReadAllAsync());
        Assert.Equal(Crc(data), e.ActualCrc64);
        Assert.Equal(Crc(data) ^ 1UL, e.ExpectedCrc64);
        Assert.False(string.IsNullOrEmpty(e.RequestId));
    }

    [Fact]
    public async Task WrongCrcOnUpload_IsDetectedAndRetried()
    {
        _emu.Faults.CorruptCrc64Next("PutObject", crc64: 42);
        var put = await _client.PutObjectAsync(Bucket, "up.bin", Bytes(1000));
        Assert.Equal(Crc(Bytes(1000)), put.Crc64);
        Assert.Equal(2, _emu.RequestsFor("PutObject").Count);
        Assert.Equal("CorruptCrc64", _emu.RequestsFor("PutObject")[0].Fault);
    }

    [Fact]
    public async Task SlowAnswer_TimesOutAndIsRetried()
    {
        var client = Client(_emu, configure: o => o.RequestTimeout = TimeSpan.FromMilliseconds(500));
        _emu.Faults.DelayNext(TimeSpan.FromSeconds(3), "PutObject");
        await client.PutObjectAsync(Bucket, "slow.txt", "v");
        Assert.Equal("v", Encoding.UTF8.GetString(_emu.Objects.ReadAllBytes(Bucket, "slow.txt")));
        Assert.Equal(1, _emu.Faults.Applied.Count(a => a.Fault.Action == OssFaultAction.Delay));
        Assert.Contains(_emu.RequestsFor("PutObject"), r => r.StatusCode == 200 && r.Fault is null);
    }

    [Fact]
    public async Task InjectedSkew_TeachesTheClientTheServerTime()
    {
        var serverTime = DateTimeOffset.UtcNow.AddMinutes(5);
        _emu.Faults.SkewNext(serverTime, "PutObject");
        await _client.PutObjectAsync(Bucket, "skew.txt", "v");
        Assert.Equal([403, 200], _emu.RequestsFor("PutObject").Select(r => r.StatusCode));
        Assert.InRange(_client.ClockOffset, TimeSpan.FromMinutes(4.5), TimeSpan.FromMinutes(5.5));
    }

    [Fact]
    public async Task KeyPattern_OnlyAffectsMatchingKeys()
    {
        var noRetry = Client(_emu, configure: o => o.MaxRetries = 0);
        _emu.Faults.FailNext(keyPattern: "logs/*.txt", times: 0, statusCode: 500);
        await noRetry.PutObjectAsync(Bucket, "data/x.txt", "ok");
        await noRetry.PutObjectAsync(Bucket, "logs/x.bin", "ok");
        await AssertFailsAsync(() => noRetry.PutObjectAsync(Bucket, "logs/x.txt", "no"), 500, "InternalError");
        await AssertFailsAsync(() => noRetry.PutObjectAsync(Bucket, "logs/a/b.txt", "no"), 500, "InternalError");
        Assert.Equal(2, _emu.Objects.Count);
    }

    [Fact]
    public async Task AdminApi_ScriptsFaultsOverHttp()
    {
        using (var health = await Http.GetAsync(_emu.Endpoint + "/_emulator/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            var json = await health.Content.ReadAsStringAsync();
            Assert.Contains("\"status\":\"ok\"", json);
            Assert.Contains(Bucket, json);
        }

        var fault = """{"action":"error","statusCode":503,"code":"SlowDown","operation":"GetObject","times":1}""";
        using (var post = await Http.PostAsync(_emu.Endpoint + "/_emulator/faults", new StringContent(fault, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        }

        var reset = """[{"action":"resetConnection","method":"PUT","keyPattern":"admin/*"},{"action":"corruptCrc64","operation":"HeadObject","crc64":7}]""";
        using (var post = await Http.PostAsync(_emu.Endpoint + "/_emulator/faults", new StringContent(reset, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        }

        Assert.Equal(3, _emu.Faults.Pending.Count);
        var noRetry = Client(_emu, configure: o => o.MaxRetries = 0);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => noRetry.PutObjectAsync(Bucket, "admin/x", "v"));
        await noRetry.PutObjectAsync(Bucket, "admin/x", "v");
        await AssertFailsAsync(() => noRetry.GetObjectAsync(Bucket, "admin/x"), 503, "SlowDown");
        Assert.Equal(7UL, (await noRetry.HeadObjectAsync(Bucket, "admin/x")).Crc64);
        Assert.Empty(_emu.Faults.Pending);

        using (var bad = await Http.PostAsync(_emu.Endpoint + "/_emulator/faults", new StringContent("{not json", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using (var post = await Http.PostAsync(_emu.Endpoint + "/_emulator/faults", new StringContent(fault, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        }

        using (var list = await Http.GetAsync(_emu.Endpoint + "/_emulator/faults"))
        {
            Assert.Contains("\"code\":\"SlowDown\"", await list.Content.ReadAsStringAsync());
        }

        using (var clear = await Http.DeleteAsync(_emu.Endpoint + "/_emulator/faults"))
        {
            Assert.Equal(HttpStatusCode.NoContent, clear.StatusCode);
        }

        Assert.Empty(_emu.Faults.Pending);
        using (var requests = await Http.GetAsync(_emu.Endpoint + "/_emulator/requests"))
        {
            var json = await requests.Content.ReadAsStringAsync();
            Assert.Contains("\"operation\":\"PutObject\"", json);
            Assert.Contains("\"fault\":\"ResetConnection\"", json);
            Assert.DoesNotContain(Main.AccessKeySecret, json);
        }

        // Admin paths are not OSS paths: no OSS XML, no request record.
        var before = _emu.Requests.Count;
        using (var unknown = await Http.GetAsync(_emu.Endpoint + "/_emulator/nothing"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Null(Header(unknown, "x-oss-request-id"));
        }

        Assert.Equal(before, _emu.Requests.Count);
    }
}
