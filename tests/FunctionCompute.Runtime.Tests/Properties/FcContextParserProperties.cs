using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CsCheck;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace FunctionCompute.Runtime.Tests.Properties;

/// <summary>Header parsing of the invocation context under arbitrary, hostile header sets.</summary>
[Trait("Category", "Property")]
public class FcContextParserProperties
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private static readonly string[] KnownHeaders =
    [
        FcHeaders.RequestId, FcHeaders.ControlPath, FcHeaders.AccessKeyId, FcHeaders.AccessKeySecret, FcHeaders.SecurityToken,
        FcHeaders.FunctionName, FcHeaders.FunctionHandler, FcHeaders.FunctionMemory, FcHeaders.FunctionTimeout,
        FcHeaders.FunctionInitializer, FcHeaders.InitializationTimeout, FcHeaders.PreStopHandler, FcHeaders.PreFreezeHandler,
        FcHeaders.Region, FcHeaders.AccountId, FcHeaders.Qualifier, FcHeaders.VersionId, FcHeaders.ServiceName,
        FcHeaders.LogProject, FcHeaders.LogStore, FcHeaders.InstanceId, FcHeaders.TraceParent, FcHeaders.TraceState,
    ];

    private static readonly string[] NumericHeaders = [FcHeaders.FunctionMemory, FcHeaders.FunctionTimeout, FcHeaders.InitializationTimeout];

    // Header names: the known ones (in any letter case, as HTTP allows), unknown x-fc-* ones and arbitrary tokens.
    private static readonly Gen<string> HeaderName = Gen.Frequency(
        (6, Gen.OneOf(KnownHeaders).SelectMany(name => Gen.Bool.Select(upper => upper ? name.ToUpperInvariant() : name))),
        (2, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"], 1, 12].Select(s => "x-fc-" + s)),
        (1, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"], 1, 16]));

    // Numbers as text, including the edges of int and far beyond it, negative and signed forms.
    private static readonly Gen<string> NumberText = Gen.Frequency(
        (3, Gen.Int[0, 100_000].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.OneOf("2147483647", "2147483648", "-0", "+1", "007", "1e3", "1.5", "0x10", " 42", "42 ", "١٢", "１２", "99999999999999999999999")));

    private static readonly Gen<string> HeaderValue = Gen.Frequency(
        (4, TextGen.Text(24)),
        (3, NumberText),
        (2, Gen.OneOf("", " ", "\t", "\u00A0", "\r\n", "\0")),
        (1, TextGen.Text(400)));

    private static readonly Gen<Dictionary<string, string>> Headers =
        Gen.Select(HeaderName, HeaderValue).Array[0, 24].Select(pairs =>
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in pairs) headers[name] = value;
            return headers;
        });

    private static ParsedContext Parse(IReadOnlyDictionary<string, string> headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers) dictionary[name] = value;
        return FcContextParser.Parse(dictionary, FcEnvironment.Empty, Now, CancellationToken.None, NullLogger.Instance);
    }

    private static bool IsValidUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }

        return true;
    }

    /// <summary>The oracle for numeric headers: ASCII digits only (leading zeros allowed) and within int.</summary>
    private static int? ExpectedNumber(string text) =>
        text.Length > 0 && text.All(char.IsAsciiDigit) && BigInteger.Parse(text, CultureInfo.InvariantCulture) is var n && n <= int.MaxValue
            ? (int)n
            : null;

    private static int? NumericProperty(FcContext context, string header) => header switch
    {
        FcHeaders.FunctionMemory => context.FunctionParam.MemoryLimitInMB,
        FcHeaders.FunctionTimeout => context.FunctionParam.FunctionTimeout,
        FcHeaders.InitializationTimeout => context.FunctionParam.InitializationTimeout,
        _ => throw new ArgumentOutOfRangeException(nameof(header)),
    };

    [Fact]
    public void Parsing_arbitrary_headers_never_throws_and_gives_a_usable_context()
    {
        Headers.Sample(headers =>
        {
            var parsed = Parse(headers);
            var context = parsed.Context;
            Assert.False(string.IsNullOrEmpty(context.RequestId));
            Assert.NotNull(context.ToString());
            // Problems go to the log as one printable line of valid text.
            Assert.All(parsed.Problems, problem => Assert.DoesNotContain(problem, c => char.IsControl(c)));
            Assert.All(parsed.Problems, problem => Assert.True(IsValidUtf16(problem), $"half a surrogate pair in: {problem}"));
            if (context.Credentials.IsEmpty) return;
            // Credentials are only made from a complete, non-blank pair.
            Assert.False(string.IsNullOrWhiteSpace(context.Credentials.AccessKeyId));
            Assert.False(string.IsNullOrWhiteSpace(context.Credentials.AccessKeySecret));
        }, iter: 3000);
    }

    [Fact]
    public void Numeric_headers_round_trip_or_are_reported_as_malformed()
    {
        Gen.Select(Gen.OneOf(NumericHeaders), Gen.Frequency((2, NumberText), (1, HeaderValue)), Headers).Sample((header, value, others) =>
        {
            others[header] = value;
            var parsed = Parse(others);
            var expected = ExpectedNumber(value);
            var actual = NumericProperty(parsed.Context, header);
            var problemsAboutIt = parsed.Problems.Where(p => p.Contains(header, StringComparison.Ordinal)).ToList();
            if (value.Length == 0)
            {
                Assert.Null(actual);
                Assert.Empty(problemsAboutIt);
            }
            else if (expected is { } number)
            {
                Assert.Equal(number, actual);
                Assert.Empty(problemsAboutIt);
                if (header == FcHeaders.FunctionTimeout)
                    Assert.Equal(number > 0 ? Now.AddSeconds(number) : null, parsed.Context.Deadline);
            }
            else
            {
                Assert.Null(actual);
                Assert.Single(problemsAboutIt);
                if (header == FcHeaders.FunctionTimeout) Assert.Null(parsed.Context.Deadline);
            }
        }, iter: 3000);
    }

    // Whitespace around the values on purpose: the parser trims, and what it stores must still never be shown.
    private static readonly Gen<string> Padding = Gen.OneOf("", " ", "\t", "  ");

    private static readonly Gen<(Dictionary<string, string> Headers, string Secret, string Token)> HeadersWithSecrets =
        from others in Headers
        from id in TextGen.Distinctive("STS.")
        from secret in TextGen.Distinctive("secret-")
        from token in TextGen.Distinctive("CAIS")
        from present in Gen.Int[0, 7] // which of id / secret / token are sent
        from pad in Padding
        select (With(others, present, pad + id, secret + pad, pad + token), secret, token);

    private static Dictionary<string, string> With(Dictionary<string, string> headers, int present, string id, string secret, string token)
    {
        headers.Remove(FcHeaders.AccessKeyId);
        headers.Remove(FcHeaders.AccessKeySecret);
        headers.Remove(FcHeaders.SecurityToken);
        if ((present & 1) != 0) headers[FcHeaders.AccessKeyId] = id;
        if ((present & 2) != 0) headers[FcHeaders.AccessKeySecret] = secret;
        if ((present & 4) != 0) headers[FcHeaders.SecurityToken] = token;
        return headers;
    }

    private static readonly JsonSerializerOptions ReflectionJson = new() { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    [Fact]
    public void Secret_and_token_never_appear_in_any_text_the_context_produces()
    {
        HeadersWithSecrets.Sample(t =>
        {
            var parsed = Parse(t.Headers);
            var credentials = parsed.Context.Credentials;
            string[] texts =
            [
                parsed.Context.ToString(),
                credentials.ToString(),
                JsonSerializer.Serialize(credentials, ReflectionJson),
                JsonSerializer.Serialize(parsed.Context.FunctionParam, ReflectionJson),
                .. parsed.Problems,
            ];
            foreach (var text in texts)
            {
                Assert.DoesNotContain(t.Secret, text, StringComparison.Ordinal);
                Assert.DoesNotContain(t.Token, text, StringComparison.Ordinal);
            }

            // Not vacuous: when the pair was sent, the secret really is in the credentials being hidden.
            if (t.Headers.ContainsKey(FcHeaders.AccessKeyId) && t.Headers.ContainsKey(FcHeaders.AccessKeySecret))
                Assert.Equal(t.Secret, credentials.AccessKeySecret);
        }, iter: 1000);
    }
}
