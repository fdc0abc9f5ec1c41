using System.Text;
using FunctionCompute.Oss.Addressing;
using FunctionCompute.OssEmulator;
using FunctionCompute.Runtime.Invocation;
using FunctionCompute.Testing;

namespace MyFunction.Tests;

/// <summary>
/// oss-put-object through the test kit (the app in memory, called as FC calls it, with the test kit's STS credentials)
/// against the local OSS emulator, which checks the V4 signature and the security token of every request.
/// </summary>
public sealed class PutObjectTests : IAsyncLifetime
{
    private const string Bucket = "demo-bucket";
    private OssEmulatorServer _oss = null!;
    private FcTestServer _fc = null!;

    public async Task InitializeAsync()
    {
        // The emulator is plain http on 127.0.0.1: the opt-in local runs set.
        Environment.SetEnvironmentVariable(OssEndpointPolicy.AllowLoopbackVariable, "true");
        var options = new OssEmulatorOptions { Port = 0 };
        options.Buckets.Add(Bucket);
        var sts = FcContextBuilder.TestCredentials;
        options.Credentials.Add(new EmulatorCredential(sts.AccessKeyId, sts.AccessKeySecret, sts.SecurityToken));
        _oss = await OssEmulatorServer.StartAsync(options);
        _fc = await FcTestServer.StartAsync(configure => App.Create([], configure));
    }

    public async Task DisposeAsync()
    {
        await _fc.DisposeAsync();
        await _oss.DisposeAsync();
    }

    private string Event(string objectName, string message, string? endpoint = null) =>
        $$"""{"endpoint":"{{endpoint ?? _oss.Endpoint}}","bucket":"{{Bucket}}","objectName":"{{objectName}}","message":"{{message}}"}""";

    [Fact]
    public async Task The_message_is_written_with_the_invocations_credentials_and_the_answer_is_success()
    {
        var result = await _fc.InvokeAsync(App.HandlerName, Event("hello/ada.txt", "Hello, OSS!"));

        result.EnsureSucceeded();
        Assert.Equal("success", result.Text);
        Assert.Equal("Hello, OSS!", Encoding.UTF8.GetString(_oss.Objects.ReadAllBytes(Bucket, "hello/ada.txt")));
        var put = Assert.Single(_oss.RequestsFor("PutObject"));
        Assert.Equal(FcContextBuilder.TestCredentials.AccessKeyId, put.AccessKeyId);
        Assert.Single(result.Logs, line => line.Level == "INFO" && line.Message.Contains("oss://demo-bucket/hello/ada.txt"));
    }

    [Fact]
    public async Task Without_the_functions_role_there_are_no_credentials_and_nothing_is_sent()
    {
        var result = await _fc.InvokeAsync(App.HandlerName, Event("no-role.txt", "x"), new FcContextBuilder().WithoutCredentials());

        result.ShouldFailWith(nameof(MissingCredentialsException));
        Assert.Empty(_oss.Requests);
    }

    [Theory]
    [InlineData("http://oss-cn-hangzhou.aliyuncs.com", "is not allowed")]
    [InlineData("https://attacker.example.com", "is not allowed")]
    [InlineData("oss-cn-hangzhou.aliyuncs.com.attacker.example", "is not allowed")]
    [InlineData("http://10.0.0.1:9100", "is not allowed")]
    [InlineData("https://oss-cn-hangzhou.aliyuncs.com/path", "must not contain a path")]
    public async Task An_endpoint_outside_the_rule_is_refused_before_anything_is_signed(string endpoint, string error)
    {
        var result = await _fc.InvokeAsync(App.HandlerName, Event("refused.txt", "x", endpoint));

        result.ShouldFailWith(messageContains: error);
        Assert.Empty(_oss.Requests);
    }

    [Fact]
    public void The_endpoint_rule()
    {
        Assert.Equal("https://oss-cn-hangzhou-internal.aliyuncs.com", PutObject.CheckEndpoint("oss-cn-hangzhou-internal.aliyuncs.com").ToString());
        Assert.Equal("http://127.0.0.1:9100", PutObject.CheckEndpoint("http://127.0.0.1:9100").ToString()); // the tests opt in
        var refused = Assert.Throws<InvalidEventException>(() => PutObject.CheckEndpoint("https://attacker.example.com"));
        Assert.Contains(OssEndpointPolicy.AllowLoopbackVariable, refused.Message);
    }
}
