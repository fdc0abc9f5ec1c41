using System.Net;
using static FunctionCompute.OssEmulator.Tests.TestEnv;

namespace FunctionCompute.OssEmulator.Tests;

/// <summary>The emulator applies the OSS library's key and bucket rules (OssNames), as OSS does.</summary>
public sealed class NameRuleTests
{
    [Theory]
    [InlineData("/leading-slash")]
    [InlineData("\\leading-backslash")]
    public async Task AKeyStartingWithASlashIsInvalidObjectName(string key)
    {
        await using var emu = await StartAsync();
        using var r = await SendRawAsync(emu, "PUT", Bucket, key, body: [1]);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("InvalidObjectName", (await ErrorXmlAsync(r)).Element("Code")?.Value);
        Assert.Equal(0, emu.Objects.Count);
    }

    [Fact]
    public async Task KeysUpTo1023Utf8BytesAreStoredLongerOnesAreInvalidObjectName()
    {
        await using var emu = await StartAsync();
        using var longest = await SendRawAsync(emu, "PUT", Bucket, new string('中', 341), body: [1]);
        Assert.Equal(HttpStatusCode.OK, longest.StatusCode);
        using var over = await SendRawAsync(emu, "PUT", Bucket, new string('中', 342), body: [1]);
        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        Assert.Equal("InvalidObjectName", (await ErrorXmlAsync(over)).Element("Code")?.Value);
    }

    [Fact]
    public async Task OptionsRefuseABucketNameOssWouldRefuse()
    {
        var options = Options();
        options.Buckets.Add("Not_A_Bucket");
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => OssEmulatorServer.StartAsync(options));
        Assert.Contains("Not_A_Bucket", ex.Message);
    }
}
