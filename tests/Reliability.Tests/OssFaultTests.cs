using System.Net;
using System.Text;
using FunctionCompute.OssEmulator;
using FunctionCompute.StandIns;
using static Reliability.Tests.Invocation;

namespace Reliability.Tests;

/// <summary>
/// The packaged <c>oss-put-object</c> function against a local OSS that misbehaves on cue: transient failures are
/// retried inside the invocation, lasting ones become the contract's error with OSS's code, a slow OSS meets the
/// function timeout, and a wrong CRC is never taken for success.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class OssFaultTests : IAsyncLifetime
{
    private const string Bucket = "fault-bucket";
    private static readonly EmulatorCredential Credential = new("STS.fault-key", "fault-secret-" + Guid.NewGuid().ToString("N"), "CAIS-fault-token-" + Guid.NewGuid().ToString("N"));
    private OssEmulatorServer _oss = null!;
    private FunctionProcess _function = null!;

    public async Task InitializeAsync()
    {
        var options = new OssEmulatorOptions();
        options.Buckets.Add(Bucket);
        options.Credentials.Add(Credential);
        _oss = await OssEmulatorServer.StartAsync(options);
        // The local OSS is on loopback: the function needs the opt-in (as scripts/run.sh gives it).
        _function = await FunctionProcess.StartPackageAsync(LocalOss.Environment());
    }

    public async Task DisposeAsync()
    {
        await _function.DisposeAsync();
        await _oss.DisposeAsync();
    }

    private Task<HttpResponseMessage> PutAsync(string key, string message, string requestId, int timeoutSeconds = 30) =>
        _function.Client.SendAsync(Invoke("oss-put-object",
            $$"""{"endpoint":"{{_oss.Endpoint}}","bucket":"{{Bucket}}","objectName":"{{key}}","message":"{{message}}"}""",
            requestId, timeoutSeconds, (Credential.AccessKeyId, Credential.AccessKeySecret, Credential.SecurityToken!)));

    private string Stored(string key) => Encoding.UTF8.GetString(_oss.Objects.ReadAllBytes(Bucket, key));

    [Theory]
    [InlineData(500, "InternalError")]
    [InlineData(503, "ServiceUnavailable")]
    [InlineData(503, "Throttling")]
    public async Task Transient_oss_errors_are_retried_inside_the_invocation(int status, string code)
    {
        var fault = _oss.Faults.FailNext(keyPattern: "transient.txt", times: 2, statusCode: status, code: code);

        using var response = await PutAsync("transient.txt", "made it", "transient");

        Assert.Equal("success", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, fault.Applied);
        Assert.Equal("made it", Stored("transient.txt"));
    }

    [Fact]
    public async Task A_connection_reset_by_oss_is_retried_inside_the_invocation()
    {
        var fault = _oss.Faults.ResetNext(keyPattern: "reset.txt");

        using var response = await PutAsync("reset.txt", "after a reset", "reset");

        Assert.Equal("success", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, fault.Applied);
        Assert.Equal("after a reset", Stored("reset.txt"));
    }

    [Fact]
    public async Task An_oss_that_keeps_failing_gives_the_error_with_its_code_and_request_id_after_bounded_retries()
    {
        var fault = _oss.Faults.FailNext(keyPattern: "down.txt", times: 0, statusCode: 503);

        using var response = await PutAsync("down.txt", "never", "down");

        var (type, message) = await ErrorOf(response);
        Assert.Equal("OssException", type);
        Assert.Contains("ServiceUnavailable", message);
        Assert.Matches("RequestId [0-9A-Za-z]{8,}", message);
        Assert.InRange(fault.Applied, 2, 10); // retried, but not forever
        _oss.Faults.Clear();
        using var after = await PutAsync("up-again.txt", "fine", "up-again");
        Assert.Equal("success", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_slow_oss_meets_the_function_timeout_and_the_instance_serves_on()
    {
        _oss.Faults.DelayNext(TimeSpan.FromSeconds(8), keyPattern: "slow.txt");

        using var response = await PutAsync("slow.txt", "too late", "slow", timeoutSeconds: 2);

        var (type, _) = await ErrorOf(response);
        Assert.Equal("FunctionTimeoutException", type);
        using var after = await PutAsync("after-slow.txt", "in time", "after-slow");
        Assert.Equal("success", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_wrong_crc_from_oss_is_an_integrity_error_never_success()
    {
        _oss.Faults.CorruptCrc64Next(keyPattern: "crc.txt", times: 0);

        using var response = await PutAsync("crc.txt", "checked", "crc");

        var (type, message) = await ErrorOf(response);
        Assert.Equal("OssIntegrityException", type);
        Assert.Contains("CRC", message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Credential.AccessKeySecret, _function.Output + message);
    }
}
