using System.Text.Json;
using FunctionCompute.Credentials;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Logging;

namespace FunctionCompute.Runtime.Tests.Context;

public class SecretsNeverShownTests
{
    private const string Secret = "SECRET-9f8e7d6c5b4a";
    private const string Token = "TOKEN-CAIS-0123456789abcdef";
    private static readonly CloudCredentials Credentials = new("STS.NUgYrLnoC37mZZCNnAbez2", Secret, Token, DateTimeOffset.Parse("2026-11-23T12:00:00Z"));

    [Fact]
    public void Credentials_ToString_masks_secret_and_token_and_shortens_the_id()
    {
        var text = Credentials.ToString();
        Assert.DoesNotContain(Secret, text);
        Assert.DoesNotContain(Token, text);
        Assert.DoesNotContain("STS.NUgYrLnoC37mZZCNnAbez2", text);
        Assert.Contains("STS.****", text);
    }

    [Fact]
    public void Context_ToString_masks_its_credentials()
    {
        var text = new FcContext { RequestId = "r-1", Credentials = Credentials }.ToString();
        Assert.Contains("r-1", text);
        Assert.DoesNotContain(Secret, text);
        Assert.DoesNotContain(Token, text);
    }

    [Fact]
    public void Json_serialisation_of_credentials_leaves_secret_and_token_out()
    {
        // Reflection-based JSON, as a user's own serializer options would do it.
        var json = JsonSerializer.Serialize(Credentials, new JsonSerializerOptions { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() });
        Assert.Contains("STS.NUgYrLnoC37mZZCNnAbez2", json);
        Assert.DoesNotContain(Secret, json);
        Assert.DoesNotContain(Token, json);
    }

    [Fact]
    public void The_redactor_masks_every_occurrence_of_secret_and_token()
    {
        var text = $"a {Secret} b {Token} c {Secret}";
        var redacted = SecretRedactor.Redact(text, Credentials);
        Assert.Equal("a *** b *** c ***", redacted);
        Assert.Equal(text, SecretRedactor.Redact(text, CloudCredentials.None));
    }

    [Theory]
    // The token contains the secret: masking the secret first left "tok-***-en" with the token's other parts shown.
    [InlineData("sec", "tok-sec-en", "a tok-sec-en b sec c", "a *** b *** c")]
    // The secret contains the token.
    [InlineData("xx-tok-yy", "tok", "a xx-tok-yy b tok", "a *** b ***")]
    // They overlap: "abcd" + "cdef" in "abcdef" is one masked span, neither half shown.
    [InlineData("abcd", "cdef", "<abcdef>", "<***>")]
    // A secret that overlaps itself ("aa" in "aaa") leaves no lone character behind.
    [InlineData("aa", "zz", "[aaa]", "[***]")]
    // Adjacent occurrences are one masked span: the mask does not tell how many there were.
    [InlineData("ab", "cd", "xabcdabx", "x***x")]
    public void The_redactor_masks_nested_and_overlapping_values_whole(string secret, string token, string text, string expected)
    {
        var credentials = new CloudCredentials("STS.id", secret, token);
        Assert.Equal(expected, SecretRedactor.Redact(text, credentials));
    }

    [Fact]
    public void Credentials_refuse_an_empty_half()
    {
        Assert.ThrowsAny<ArgumentException>(() => new CloudCredentials("", "x"));
        Assert.ThrowsAny<ArgumentException>(() => new CloudCredentials("x", " "));
    }
}
