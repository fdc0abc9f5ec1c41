using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using FunctionCompute.Credentials.Providers;
using FunctionCompute.Credentials.Sts;

namespace FunctionCompute.Credentials.Tests.Properties;

/// <summary>
/// The STS, ECS metadata and credentials-URI answers under generated, mutated, truncated and random bodies:
/// only the typed exceptions come out, and never with a secret or a token in their text.
/// </summary>
[Trait("Category", "Property")]
public class CredentialDocumentProperties
{
    private const string ValidExpiration = "2026-11-23T11:00:00Z";
    private static readonly CloudCredentials Caller = new("LTAI5tCallerKeyId", "caller-secret-9f8e7d6c5b4a", "CAIScallertoken0123456789");

    /// <summary>Answers every request with the given status and body (the ECS token request with a token).</summary>
    private sealed class Answering(HttpStatusCode status, byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(request.Method == HttpMethod.Put
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("metadata-token") }
                : new HttpResponseMessage(status) { Content = new ByteArrayContent(body) });
    }

    // A field as a server might (mis)send it: the right kind, another JSON kind, or absent.
    private static Gen<JsonNode?> Field(Gen<string> text) => Gen.Frequency(
        (12, text.Select(s => (JsonNode?)JsonValue.Create(s))),
        (1, Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n))),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (1, Gen.OneOf<Func<JsonNode?>>(() => null, () => new JsonObject(), () => new JsonArray("x")).Select(f => f())));

    private static readonly Gen<string> AnyText = TextGen.Text(20);
    // Blank values weigh heavily: "present but only whitespace" is the case validation most easily gets wrong.
    private static readonly Gen<string> KeyId = Gen.Frequency((4, Gen.Const("STS.NTestKeyId")), (2, Gen.OneOf("", " ", "\t", "\u00A0")), (1, AnyText));
    private static readonly Gen<string> Expiration = Gen.Frequency(
        (4, Gen.Const(ValidExpiration)), (1, Gen.OneOf("", "2026-11-23 11:00:00", "2026-11-23T11:00:00+08:00", "tomorrow", "2026-13-45T99:00:00Z")), (1, AnyText));

    private static readonly Gen<JsonNode?> Missing = Gen.Const((JsonNode?)null);

    private static JsonObject Object(params (string Name, JsonNode? Value, bool Present)[] fields)
    {
        var o = new JsonObject();
        foreach (var (name, value, present) in fields) if (present) o[name] = value;
        return o;
    }

    private sealed record Doc(string Json, string Secret, string Token);

    private static Gen<(JsonNode? Value, bool Present)> Maybe(Gen<JsonNode?> field) => Gen.Select(field, Gen.Int[0, 9].Select(i => i > 0));

    // The credential fields every answer shares; the secret and token are distinctive so that finding them is proof of a leak.
    private static readonly Gen<(JsonObject Credentials, string Secret, string Token)> CredentialFields =
        from secret in TextGen.Distinctive("secret-")
        from token in TextGen.Distinctive("CAIS")
        from id in Maybe(Field(KeyId))
        from s in Maybe(Field(Gen.Frequency((4, Gen.Const(secret)), (2, Gen.OneOf("", "  ", "\u3000")))))
        from t in Maybe(Field(Gen.Frequency((4, Gen.Const(token)), (2, Gen.OneOf("", "\t", "\u00A0")))))
        from e in Maybe(Field(Expiration))
        select (Object(("AccessKeyId", id.Value, id.Present), ("AccessKeySecret", s.Value, s.Present),
            ("SecurityToken", t.Value, t.Present), ("Expiration", e.Value, e.Present)), secret, token);

    private static readonly Gen<Doc> StsDocument =
        from credentials in CredentialFields
        from code in Maybe(Field(Gen.Frequency((1, Gen.OneOf("NoPermission", "Throttling.User", "SignatureDoesNotMatch")), (1, AnyText))))
        from message in Maybe(Field(AnyText))
        from requestId in Maybe(Field(AnyText))
        from user in Maybe(Field(AnyText))
        from credentialsPresent in Gen.Int[0, 5].Select(i => i > 0)
        let json = Object(("RequestId", requestId.Value, requestId.Present), ("Code", code.Value, code.Present),
            ("Message", message.Value, message.Present), ("AssumedRoleUser", Object(("Arn", user.Value, user.Present)), true),
            ("Credentials", credentials.Credentials, credentialsPresent))
        select new Doc(json.ToJsonString(), credentials.Secret, credentials.Token);

    private static readonly Gen<Doc> MetadataDocument =
        from credentials in CredentialFields
        from code in Maybe(Field(Gen.Frequency((4, Gen.Const("Success")), (1, Gen.OneOf("Failed", "success", "")), (1, AnyText))))
        let json = credentials.Credentials.DeepClone().AsObject()
        select new Doc(With(json, "Code", code), credentials.Secret, credentials.Token);

    private static string With(JsonObject json, string name, (JsonNode? Value, bool Present) field)
    {
        if (field.Present) json[name] = field.Value;
        return json.ToJsonString();
    }

    // The documents as sent, or cut short, or with one character changed, or plain garbage.
    private static Gen<(HttpStatusCode Status, byte[] Body, Doc Doc, bool Intact)> Answers(Gen<Doc> documents) =>
        from doc in documents
        from kind in Gen.Frequency((4, Gen.Const(0)), (2, Gen.Const(1)), (2, Gen.Const(2)), (1, Gen.Const(3)))
        from position in Gen.Int[0, Math.Max(0, doc.Json.Length - 1)]
        from replacement in Gen.Char["{}[]\",:0n\\ \u0001"]
        from garbage in TextGen.Bytes
        from status in Gen.Frequency((6, Gen.Const(HttpStatusCode.OK)), (1, Gen.OneOf(HttpStatusCode.BadRequest,
            HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.InternalServerError, HttpStatusCode.Found)))
        select (status, kind switch
        {
            0 => Encoding.UTF8.GetBytes(doc.Json),
            1 => Encoding.UTF8.GetBytes(doc.Json[..position]),
            2 => Encoding.UTF8.GetBytes(doc.Json.Remove(position, Math.Min(1, doc.Json.Length - position)).Insert(position, replacement.ToString())),
            _ => garbage,
        }, doc, kind == 0);

    private static void AssertNoSecrets(Exception exception, Doc doc)
    {
        var text = Secrets.AllText(exception);
        Secrets.AssertAbsent(text, doc.Secret, doc.Token, Caller.AccessKeySecret, Caller.SecurityToken);
        Assert.False(string.IsNullOrWhiteSpace(exception.Message));
    }

    /// <summary>
    /// Runs a fetch and lets only <typeparamref name="TTyped"/> out. A success from an intact document must carry its
    /// keys (a mutated one may have changed them, or the expiry, and still be valid).
    /// </summary>
    private static async Task FetchOnlyFailsTyped<TTyped>(Func<Task<CloudCredentials>> fetch, Doc doc, bool intact) where TTyped : Exception
    {
        try
        {
            var credentials = await fetch();
            Assert.False(credentials.IsEmpty);
            if (!intact) return;
            Assert.Equal(doc.Secret, credentials.AccessKeySecret);
            Assert.Equal(doc.Token, credentials.SecurityToken);
            Assert.Equal(DateTimeOffset.Parse(ValidExpiration, System.Globalization.CultureInfo.InvariantCulture), credentials.Expiration);
        }
        catch (TTyped exception)
        {
            AssertNoSecrets(exception, doc);
        }
    }

    private static StsClient Sts(HttpStatusCode status, byte[] body) =>
        new(new StsClientOptions { Endpoint = "sts.aliyuncs.com", HttpClient = new HttpClient(new Answering(status, body)) });

    [Fact]
    public async Task Sts_answers_give_credentials_or_StsException_without_secrets()
    {
        await Answers(StsDocument).SampleAsync(t => FetchOnlyFailsTyped<StsException>(async () =>
            (await Sts(t.Status, t.Body).AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "acs:ram::1:role/r" }, Caller)).Credentials, t.Doc, t.Intact), iter: 400);
    }

    [Fact]
    public async Task Ecs_metadata_answers_give_credentials_or_CredentialsException_without_secrets()
    {
        await Answers(MetadataDocument).SampleAsync(t => FetchOnlyFailsTyped<CredentialsException>(async () =>
            await new EcsRamRoleCredentialsProvider(new EcsRamRoleOptions { RoleName = "role", HttpClient = new HttpClient(new Answering(t.Status, t.Body)) })
                .FetchAsync(), t.Doc, t.Intact), iter: 400);
    }

    [Fact]
    public async Task Credentials_uri_answers_give_credentials_or_CredentialsException_without_secrets()
    {
        await Answers(MetadataDocument).SampleAsync(t => FetchOnlyFailsTyped<CredentialsException>(async () =>
            await new CredentialsUriProvider(new Uri("http://127.0.0.1:9/credentials?key=query-secret"), new CredentialsSettings { HttpClient = new HttpClient(new Answering(t.Status, t.Body)) })
                .FetchAsync(), t.Doc, t.Intact), iter: 400);
    }

    [Fact]
    public async Task Sts_signature_errors_echoing_the_callers_token_are_redacted()
    {
        var gen = Gen.Select(Gen.OneOf("", "%26", "&"), Gen.Bool, Gen.String[Gen.Char.AlphaNumeric, 0, 20]);
        await gen.SampleAsync(async (separator, encoded, filler) =>
        {
            // What STS echoes: its string to sign (parameters encoded twice) or the plain query.
            var echoed = encoded
                ? $"POST&%2F&AccessKeyId%3D{Caller.AccessKeyId}%26SecurityToken%3D{Caller.SecurityToken}{separator}{filler}"
                : $"AccessKeyId={Caller.AccessKeyId}&SecurityToken={Caller.SecurityToken}{separator}{filler}";
            var json = new JsonObject
            {
                ["Code"] = "SignatureDoesNotMatch",
                ["Message"] = StsException.ServerStringToSignPrefix + echoed,
                ["RequestId"] = "R-1",
            };
            var e = await Assert.ThrowsAsync<StsException>(() =>
                Sts(HttpStatusCode.BadRequest, Encoding.UTF8.GetBytes(json.ToJsonString())).AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "acs:ram::1:role/r" }, Caller));
            Secrets.AssertAbsent(Secrets.AllText(e), Caller.SecurityToken);
            Assert.Equal("SignatureDoesNotMatch", e.Code);
            Assert.Contains(Caller.AccessKeyId, e.ServerStringToSign);
        }, iter: 100);
    }
}
