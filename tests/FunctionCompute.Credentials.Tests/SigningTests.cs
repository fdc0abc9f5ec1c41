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
        ["Action"] = "AssumeRole",
        ["Version"] = "2015-04-01",
        ["Format"] = "JSON",
        ["Timestamp"] = "2026-11-23T10:00:00Z",
        ["SignatureMethod"] = "HMAC-SHA1",
        ["SignatureVersion"] = "1.0",
        ["SignatureNonce"] = Nonce,
        ["AccessKeyId"] = KeyId,
        ["RoleArn"] = "acs:ram::1234567890123456:role/test-role",
        ["RoleSessionName"] = "fc-session",
        ["DurationSeconds"] = "3600",
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
