using System.Net;
using System.Text;
using System.Text.Json;
using FunctionCompute.OssEmulator;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.StandIns;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace SampleFunctions.Tests;

/// <summary>
/// The OSS samples against the local OSS (which checks every V4 signature and STS token), invoked
/// the way FC invokes them: the sample app in process here, the packaged bootstrap in <see cref="PackagedOssTests"/>.
/// </summary>
public sealed class OssSampleTests : IAsyncLifetime
{
    internal const string Bucket = "sample-bucket";
    private OssEmulatorServer _oss = null!;
    private FunctionCompute.Testing.FcTestServer _app = null!;
    private HttpClient _client = null!;

    internal static EmulatorCredential Credential(int i) =>
        new($"STS.sample{i:D3}", $"sample-secret-{i:D3}-{Guid.NewGuid():N}", $"CAIS-sample-token-{i:D3}-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        var options = new OssEmulatorOptions { Region = "cn-hangzhou" };
        options.Buckets.Add(Bucket);
        _oss = await OssEmulatorServer.StartAsync(options);

        (_app, _client) = await InProcessSampleApp.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _oss.DisposeAsync();
    }

    private string LogText => InProcessSampleApp.LogText(_app);

    internal static HttpRequestMessage Invoke(string handler, string body, EmulatorCredential? credential, string region = "cn-hangzhou")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/invoke") { Content = new StringContent(body) };
        request.Headers.Add(FcHeaders.ControlPath, "/invoke");
        request.Headers.Add(FcHeaders.FunctionHandler, handler);
        request.Headers.Add(FcHeaders.RequestId, "oss-" + Guid.NewGuid().ToString("N")[..10]);
        request.Headers.Add(FcHeaders.Region, region);
        request.Headers.Add(FcHeaders.FunctionTimeout, "30");
        if (credential is not null)
        {
            request.Headers.Add(FcHeaders.AccessKeyId, credential.AccessKeyId);
            request.Headers.Add(FcHeaders.AccessKeySecret, credential.AccessKeySecret);
            request.Headers.Add(FcHeaders.SecurityToken, credential.SecurityToken ?? "");
        }
        return request;
    }

    internal static string PutEvent(string endpoint, string key, string message, string bucket = Bucket) =>
        JsonSerializer.Serialize(new Oss.PutObjectEvent(endpoint, bucket, key, message), SampleJson.Default.PutObjectEvent);

    /// <summary>The function error of a response: 404 with <c>x-fc-status: 404</c>, and FC's error JSON.</summary>
    internal static async Task<(string Type, string Message)> ErrorOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{response.StatusCode}: {text}");
        Assert.Equal("404", response.Headers.GetValues(FcHeaders.Status).Single());
        using var json = JsonDocument.Parse(text);
        return (json.RootElement.GetProperty("errorType").GetString()!, json.RootElement.GetProperty("errorMessage").GetString()!);
    }

    [Fact]
    public async Task Put_object_writes_the_message_with_the_invocations_credentials_and_answers_success()
    {
        var credential = Credential(0);
        _oss.AddCredential(credential);
        using var response = await _client.SendAsync(Invoke("oss-put-object", PutEvent(_oss.Endpoint, "dir/hello world+ü.txt", "Hello, OSS ✓"), credential));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("success", await response.Content.ReadAsStringAsync());
        var stored = _oss.Objects.Get(Bucket, "dir/hello world+ü.txt")!;
        Assert.Equal("Hello, OSS ✓", Encoding.UTF8.GetString(_oss.Objects.ReadAllBytes(Bucket, "dir/hello world+ü.txt")));
        Assert.Equal(credential.AccessKeyId, stored.WrittenBy);
        Assert.StartsWith("text/plain", stored.ContentType);
    }

    [Fact]
    public async Task Get_and_list_read_back_what_put_wrote()
    {
        var credential = Credential(1);
        _oss.AddCredential(credential);
        for (var i = 0; i < 3; i++)
        {
            using var put = await _client.SendAsync(Invoke("oss-put-object", PutEvent(_oss.Endpoint, $"list/item-{i}.txt", $"content {i}"), credential));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var get = await _client.SendAsync(Invoke("oss-get-object",
            $$"""{"endpoint":"{{_oss.Endpoint}}","bucket":"{{Bucket}}","objectName":"list/item-1.txt"}""", credential));
        Assert.Equal("content 1", await get.Content.ReadAsStringAsync());

        using var list = await _client.SendAsync(Invoke("oss-list-objects",
            $$"""{"endpoint":"{{_oss.Endpoint}}","bucket":"{{Bucket}}","prefix":"list/","maxKeys":2}""", credential));
        var result = JsonSerializer.Deserialize(await list.Content.ReadAsStringAsync(), SampleJson.Default.ListObjectsResult)!;
        Assert.Equal(["list/item-0.txt", "list/item-1.txt"], result.Objects.Select(o => o.Key));
        Assert.True(result.Truncated);
        Assert.Equal(9, result.Objects[0].Size);
    }

    [Theory]
    [InlineData("""{"bucket":"b","objectName":"k","message":"m"}""", "\"endpoint\"")]
    [InlineData("""{"endpoint":"127.0.0.1:1","objectName":"k","message":"m"}""", "\"bucket\"")]
    [InlineData("""{"endpoint":"127.0.0.1:1","bucket":"b","objectName":"  ","message":"m"}""", "\"objectName\"")]
    [InlineData("""{"endpoint":"127.0.0.1:1","bucket":"b","objectName":"k"}""", "\"message\"")]
    [InlineData("""{"endpoint": "x", """, "PutObjectEvent")]
    [InlineData("", "PutObjectEvent")]
    public async Task A_bad_event_is_an_invalid_event_error_that_says_what_is_wrong(string body, string expected)
    {
        using var response = await _client.SendAsync(Invoke("oss-put-object", body, Credential(2)));
        var (type, message) = await ErrorOf(response);
        Assert.Equal("InvalidEventException", type);
        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task A_function_without_a_role_gets_a_clear_missing_credentials_error()
    {
        using var response = await _client.SendAsync(Invoke("oss-put-object", PutEvent(_oss.Endpoint, "k", "m"), credential: null));
        var (type, message) = await ErrorOf(response);
        Assert.Equal("MissingCredentialsException", type);
        Assert.Contains("role", message);
        Assert.Equal(0, _oss.Objects.Count);
    }

    [Theory]
    [InlineData("unknown-key", "InvalidAccessKeyId")]
    [InlineData("wrong-token", "InvalidSecurityToken")]
    [InlineData("no-bucket", "NoSuchBucket")]
    public async Task Oss_errors_carry_the_oss_code_and_request_id_and_never_the_secrets(string scenario, string code)
    {
        var known = Credential(3);
        _oss.AddCredential(known);
        var used = scenario switch
        {
            "unknown-key" => Credential(999),
            "wrong-token" => new EmulatorCredential(known.AccessKeyId, known.AccessKeySecret, "CAIS-not-the-right-token"),
            _ => known,
        };
        var bucket = scenario == "no-bucket" ? "missing-bucket" : Bucket;

        using var response = await _client.SendAsync(Invoke("oss-put-object", PutEvent(_oss.Endpoint, "k.txt", "m", bucket), used));

        var body = await response.Content.ReadAsStringAsync();
        var (type, message) = await ErrorOf(response);
        Assert.Equal("OssException", type);
        Assert.Contains(code, message);
        Assert.Matches(@"RequestId [0-9A-Za-z]{8,}", message);
        Assert.DoesNotContain(used.AccessKeySecret, body + LogText);
        Assert.DoesNotContain(used.SecurityToken!, body + LogText);

        // The instance keeps serving.
        using var ok = await _client.SendAsync(Invoke("oss-put-object", PutEvent(_oss.Endpoint, "after-error.txt", "fine"), known));
        Assert.Equal("success", await ok.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_transient_oss_failure_is_retried_inside_one_invocation()
    {
        var credential = Credential(4);
        _oss.AddCredential(credential);
        _oss.Faults.FailNext(keyPattern: "flaky.txt", times: 2, statusCode: 503);

        using var response = await _client.SendAsync(Invoke("oss-put-object", PutEvent(_oss.Endpoint, "flaky.txt", "eventually"), credential));

        Assert.Equal("success", await response.Content.ReadAsStringAsync());
        Assert.Equal("eventually", Encoding.UTF8.GetString(_oss.Objects.ReadAllBytes(Bucket, "flaky.txt")));
    }

    [Fact]
    public async Task Sixty_four_concurrent_invocations_each_write_with_their_own_credentials()
    {
        var credentials = Enumerable.Range(100, 64).Select(Credential).ToArray();
        foreach (var c in credentials) _oss.AddCredential(c);

        var responses = await Task.WhenAll(credentials.Select(async (c, i) =>
        {
            using var response = await _client.SendAsync(Invoke("oss-put-object", PutEvent(_oss.Endpoint, $"concurrent/{i}.txt", $"from {c.AccessKeyId}"), c));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }));

        Assert.All(responses, r => Assert.Equal((HttpStatusCode.OK, "success"), r));
        for (var i = 0; i < credentials.Length; i++)
        {
            var stored = _oss.Objects.Get(Bucket, $"concurrent/{i}.txt")!;
            Assert.Equal(credentials[i].AccessKeyId, stored.WrittenBy);
            Assert.Equal($"from {credentials[i].AccessKeyId}", Encoding.UTF8.GetString(_oss.Objects.ReadAllBytes(Bucket, $"concurrent/{i}.txt")));
        }
    }
}

/// <summary>The packaged function (dist/code/bootstrap, a real process) writing to the local OSS.</summary>
public class PackagedOssTests
{
    [Fact]
    public async Task The_packaged_function_puts_an_object_into_the_local_oss()
    {
        var credential = OssSampleTests.Credential(7);
        var options = new OssEmulatorOptions();
        options.Buckets.Add(OssSampleTests.Bucket);
        options.Credentials.Add(credential);
        await using var oss = await OssEmulatorServer.StartAsync(options);
        await using var function = await FunctionProcess.StartPackageAsync(LocalOss.Environment());

        using var put = await function.Client.SendAsync(OssSampleTests.Invoke("oss-put-object", OssSampleTests.PutEvent(oss.Endpoint, "packaged/hello.txt", "from the AOT package"), credential));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("success", await put.Content.ReadAsStringAsync());
        Assert.Equal("from the AOT package", Encoding.UTF8.GetString(oss.Objects.ReadAllBytes(OssSampleTests.Bucket, "packaged/hello.txt")));
        Assert.Equal(credential.AccessKeyId, oss.Objects.Get(OssSampleTests.Bucket, "packaged/hello.txt")!.WrittenBy);

        using var get = await function.Client.SendAsync(OssSampleTests.Invoke("oss-get-object",
            $$"""{"endpoint":"{{oss.Endpoint}}","bucket":"{{OssSampleTests.Bucket}}","objectName":"packaged/hello.txt"}""", credential));
        Assert.Equal("from the AOT package", await get.Content.ReadAsStringAsync());

        await function.WaitForOutputAsync("put oss://", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(credential.AccessKeySecret, function.Output);
        Assert.DoesNotContain(credential.SecurityToken!, function.Output);
    }
}
