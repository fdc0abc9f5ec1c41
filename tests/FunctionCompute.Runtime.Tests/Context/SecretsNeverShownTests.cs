using System.Text.Json;
using CsCheck;
using FunctionCompute.Credentials;
using FunctionCompute.Runtime;
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
    [Trait("Category", "Property")]
    public void No_part_of_the_text_the_secret_or_token_covered_survives_redaction()
    {
        // Short values over a small alphabet, so nesting, overlaps and repeats happen often.
        var value = Gen.String[Gen.Char["abc"], 1, 4];
        Gen.Select(value, value, Gen.String[Gen.Char["abcxy"], 0, 30]).Sample((secret, token, text) =>
        {
            var redacted = SecretRedactor.Redact(text, new CloudCredentials("STS.id", secret, token));
            // Masking one value first used to leave the rest of a value that contained or overlapped it in plain sight.
            Assert.DoesNotContain(secret, redacted);
            Assert.DoesNotContain(token, redacted);
            if (!text.Contains(secret, StringComparison.Ordinal) && !text.Contains(token, StringComparison.Ordinal)) Assert.Same(text, redacted);
            // Nor does the order of the values matter (masking the secret first, then the token, left "a***c" of a
            // token "abc" holding the secret "b"; the token first masked it all).
            Assert.Equal(SecretRedactor.Redact(text, token, secret), redacted);
            // What no value covered is kept, in order: the text with its masks taken out is a subsequence of the original.
            var rest = redacted.Replace(SecretRedactor.Mask, "", StringComparison.Ordinal);
            var at = 0;
            foreach (var c in rest)
            {
                at = text.IndexOf(c, at) + 1;
                Assert.True(at > 0, $"'{rest}' is not what is left of '{text}'");
            }
        });
    }

    [Fact]
    public void Credentials_refuse_an_empty_half()
    {
        Assert.ThrowsAny<ArgumentException>(() => new CloudCredentials("", "x"));
        Assert.ThrowsAny<ArgumentException>(() => new CloudCredentials("x", " "));
    }
}
