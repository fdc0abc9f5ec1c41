using FunctionCompute.Credentials.Signing;

namespace FunctionCompute.Credentials.Tests;

/// <summary>The vectors of credentials.md §4.3 and §4.5, reproduced exactly.</summary>
public sealed class SigningTests
{
    internal const string KeyId = "LTAI5tTestKeyId";
    internal const string Secret = "TestSecret123";
    internal const string Nonce = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf";
    internal static readonly DateTimeOffset Time = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    internal static Dictionary<string, string> VectorParameters() => new()
    {
        ["Action"] = "AssumeRole", ["Version"] = "2015-04-01", ["Format"] = "JSON", ["Timestamp"] = "2026-11-23T10:00:00Z",
        ["SignatureMethod"] = "HMAC-SHA1", ["SignatureVersion"] = "1.0", ["SignatureNonce"] = Nonce, ["AccessKeyId"] = KeyId,
        ["RoleArn"] = "acs:ram::1234567890123456:role/test-role", ["RoleSessionName"] = "fc-session", ["DurationSeconds"] = "3600",
    };

    internal const string PostStringToSign = "POST&%2F&AccessKeyId%3DLTAI5tTestKeyId%26Action%3DAssumeRole%26DurationSeconds%3D3600%26Format%3DJSON%26RoleArn%3Dacs%253Aram%253A%253A1234567890123456%253Arole%252Ftest-role%26RoleSessionName%3Dfc-session%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2026-11-23T10%253A00%253A00Z%26Version%3D2015-04-01";
    internal const string GetStringToSign = "GET&%2F&AccessKeyId%3DLTAI5tTestKeyId%26Action%3DAssumeRole%26DurationSeconds%3D3600%26Format%3DJSON%26RoleArn%3Dacs%253Aram%253A%253A1234567890123456%253Arole%252Ftest-role%26RoleSessionName%3Dfc-session%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2026-11-23T10%253A00%253A00Z%26Version%3D2015-04-01";

    [Fact]
    public void Vector_CanonicalizedQueryString()
    {
        Assert.Equal(
            "AccessKeyId=LTAI5tTestKeyId&Action=AssumeRole&DurationSeconds=3600&Format=JSON&RoleArn=acs%3Aram%3A%3A1234567890123456%3Arole%2Ftest-role&RoleSessionName=fc-session&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0&Timestamp=2026-11-23T10%3A00%3A00Z&Version=2015-04-01",
            RpcSignature.CanonicalizedQueryString(VectorParameters()));
    }

    [Fact]
    public void Vector_Post_StringToSign_And_Signature()
    {
        var stringToSign = RpcSignature.StringToSign("POST", VectorParameters());
        Assert.Equal(PostStringToSign, stringToSign);
        Assert.Equal("hMd7x9N70LVdZrxkiQoqvJHtw84=", RpcSignature.Sign(stringToSign, Secret));
    }

    [Fact]
    public void Vector_Get_StringToSign_And_Signature()
    {
        var stringToSign = RpcSignature.StringToSign("GET", VectorParameters());
        Assert.Equal(GetStringToSign, stringToSign);
        Assert.Equal("bGMKN/P72EDzaoeom4rvjSN61sU=", RpcSignature.Sign(stringToSign, Secret));
    }

    [Fact]
    public void Vector_V3_CanonicalRequest_StringToSign_Authorization()
    {
        var payloadHash = AcsV3Signature.HashHex("");
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", payloadHash);
        var canonical = AcsV3Signature.CanonicalRequest("POST", "/",
            new Dictionary<string, string> { ["DurationSeconds"] = "3600", ["RoleArn"] = "acs:ram::1234567890123456:role/test-role", ["RoleSessionName"] = "fc-session" },
            new Dictionary<string, string>
            {
                ["host"] = "sts.aliyuncs.com", ["x-acs-action"] = "AssumeRole", ["x-acs-version"] = "2015-04-01",
                ["x-acs-date"] = "2026-11-23T10:00:00Z", ["x-acs-signature-nonce"] = Nonce, ["x-acs-content-sha256"] = payloadHash,
            }, payloadHash, out var signedHeaders);
        Assert.Equal(
            "POST\n/\nDurationSeconds=3600&RoleArn=acs%3Aram%3A%3A1234567890123456%3Arole%2Ftest-role&RoleSessionName=fc-session\n" +
            "host:sts.aliyuncs.com\nx-acs-action:AssumeRole\nx-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n" +
            "x-acs-date:2026-11-23T10:00:00Z\nx-acs-signature-nonce:3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf\nx-acs-version:2015-04-01\n\n" +
            "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n" +
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", canonical);
        var stringToSign = AcsV3Signature.StringToSign(canonical);
        Assert.Equal("ACS3-HMAC-SHA256\neca35ce8fa008a0c6294c7adb13a114d71c71bac7881df666f77d6d2d8117503", stringToSign);
        Assert.Equal(
            "ACS3-HMAC-SHA256 Credential=LTAI5tTestKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=16507b30fe99b8e4d1788aa0c45eba3e01947575b48330282821b9cb1b138725",
            AcsV3Signature.Authorization(stringToSign, signedHeaders, KeyId, Secret));
    }

    [Theory]
    [InlineData("AZaz09-_.~", "AZaz09-_.~")]
    [InlineData("a b", "a%20b")]
    [InlineData("!'()*", "%21%27%28%29%2A")]
    [InlineData("+/:=&", "%2B%2F%3A%3D%26")]
    [InlineData("é中", "%C3%A9%E4%B8%AD")]
    public void PercentEncode_IsRfc3986_WithUpperCaseHex(string input, string expected) =>
        Assert.Equal(expected, RpcSignature.PercentEncode(input));

    [Fact]
    public void Sorting_IsOrdinal_NotCultural()
    {
        var canonical = RpcSignature.CanonicalizedQueryString(new Dictionary<string, string> { ["b"] = "1", ["B"] = "2", ["a"] = "3", ["Signature"] = "x" });
        Assert.Equal("B=2&a=3&b=1", canonical); // upper case sorts first; Signature is never signed
    }

    [Fact]
    public void Timestamp_HasNoFraction_AndIsUtc() =>
        Assert.Equal("2026-11-23T10:00:00Z", RpcSignature.FormatTimestamp(new DateTimeOffset(2026, 11, 23, 18, 0, 0, 123, TimeSpan.FromHours(8))));
}
