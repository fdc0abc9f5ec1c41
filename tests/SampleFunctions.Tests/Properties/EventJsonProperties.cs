using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using FunctionCompute.OssEmulator;
using FunctionCompute.Testing;

namespace SampleFunctions.Tests.Properties;

/// <summary>
/// Random and mutated JSON events sent to the typed sample handlers through the whole in-memory pipeline: the
/// answer is always a success or FC's error JSON (status 404) with a message that says what went wrong.
/// </summary>
[Trait("Category", "Property")]
public sealed class EventJsonProperties : IAsyncLifetime
{
    private const string Bucket = "property-bucket";
    private FcTestServer _server = null!;
    private OssEmulatorServer _oss = null!;

    public async Task InitializeAsync()
    {
        var options = new OssEmulatorOptions { Region = "cn-hangzhou" };
        options.Buckets.Add(Bucket);
        _oss = await OssEmulatorServer.StartAsync(options);
        var credentials = FcContextBuilder.TestCredentials;
        _oss.AddCredential(new EmulatorCredential(credentials.AccessKeyId, credentials.AccessKeySecret, credentials.SecurityToken));
        _server = await FcTestServer.StartAsync(configure => SampleApp.Create([], configure));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _oss.DisposeAsync();
    }

    private static FcContextBuilder Context() => new FcContextBuilder().WithRegion("cn-hangzhou").WithTimeout(TimeSpan.FromSeconds(5));

    // ---- generators: a value of the right kind, of another JSON kind, or absent ----

    private static Gen<JsonNode?> Any(Gen<JsonNode?> right) => Gen.Frequency(
        (12, right),
        (1, Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n))),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (1, TextGen.Text(10).Select(s => (JsonNode?)JsonValue.Create(s))),
        (1, Gen.OneOf<Func<JsonNode?>>(() => null, () => new JsonObject { ["x"] = 1 }, () => new JsonArray(1, "a")).Select(f => f())));

    private static Gen<JsonNode?> Text(Gen<string> text) => text.Select(s => (JsonNode?)JsonValue.Create(s));

    private static Gen<JsonObject> Object(params (string Name, Gen<JsonNode?> Value)[] fields)
    {
        var all = Gen.Const(Array.Empty<(JsonNode? Value, int Presence)>());
        foreach (var field in fields)
            all = Gen.Select(all, Gen.Select(field.Value, Gen.Int[0, 9]), (values, next) => ((JsonNode? Value, int Presence)[])[.. values, next]);
        return all.Select(values =>
        {
            var o = new JsonObject();
            for (var i = 0; i < fields.Length; i++)
            {
                var (value, presence) = values[i];
                // Mostly present under its own name; sometimes absent, sometimes with the wrong letter case.
                if (presence == 0) continue;
                o[presence == 1 ? fields[i].Name.ToUpperInvariant() : fields[i].Name] = value;
            }

            return o;
        });
    }

    private static readonly Gen<JsonObject> GreetEvents = Object(("name", Any(Text(Gen.Frequency((4, TextGen.Text(20)), (1, Gen.OneOf("", " ", "\t")))))));

    // Small sleeps only: the property is about parsing, not waiting.
    private static readonly Gen<JsonObject> SleepEvents = Object(("milliseconds", Any(Gen.Int[-50, 20].Select(n => (JsonNode?)JsonValue.Create(n)))));

    private Gen<JsonObject> PutEvents => Object(
        // Endpoints never leave the machine: the emulator, or values that cannot be used at all.
        ("endpoint", Any(Text(Gen.Frequency((6, Gen.Const(_oss.Endpoint)), (1, Gen.OneOf("", " ", "not a url", "ftp://example", "http://[::1", "http://127.0.0.1:notaport")))))),
        ("bucket", Any(Text(Gen.Frequency((5, Gen.Const(Bucket)), (1, Gen.OneOf("missing-bucket", "UPPER", "a", "")))))),
        ("objectName", Any(Text(TextGen.Text(20)))),
        ("message", Any(Text(TextGen.Text(40)))));

    /// <summary>The event as generated, cut short, with one character replaced, wrapped in another JSON kind, or garbage bytes.</summary>
    private static Gen<(byte[] Body, JsonObject? Intact)> Mutated(Gen<JsonObject> events, bool textMutations) =>
        from e in events
        from kind in textMutations ? Gen.Frequency((4, Gen.Const(0)), (2, Gen.Const(1)), (2, Gen.Const(2)), (1, Gen.Const(3)), (1, Gen.Const(4))) : Gen.OneOf(0, 0, 0, 3)
        from position in Gen.Int[0, Math.Max(0, e.ToJsonString().Length - 1)]
        from replacement in Gen.Char["{}[]\",:0-.en\\ \u0001"]
        from garbage in Gen.Frequency((1, Gen.Byte.Array[0, 100]), (1, Gen.OneOf("", "null", "[]", "\"text\"", "42", "{", "{\"name\":")
            .Select(Encoding.UTF8.GetBytes)))
        let json = e.ToJsonString()
        select kind switch
        {
            0 => (Encoding.UTF8.GetBytes(json), (JsonObject?)e),
            1 => (Encoding.UTF8.GetBytes(json[..position]), null),
            2 => (Encoding.UTF8.GetBytes(json.Remove(position, Math.Min(1, json.Length - position)).Insert(position, replacement.ToString())), null),
            3 => (Encoding.UTF8.GetBytes(new JsonArray(e.DeepClone()).ToJsonString()), null),
            _ => (garbage, (JsonObject?)null),
        };

    private static bool IsJson(byte[] body)
    {
        try
        {
            using var _ = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // Both kinds of answer must really occur, or the property says nothing about one of them.
    private int _successes, _failures;

    private void AssertBothOutcomesSeen()
    {
        Assert.True(_successes > 0, "no generated event succeeded");
        Assert.True(_failures > 0, "no generated event failed");
    }

    /// <summary>The contract every answer keeps: 200, or 404 with FC's error JSON and a message worth reading.</summary>
    private void AssertContractAnswer(FcInvocationResult result, byte[] body, string eventType)
    {
        Assert.True(result.StatusCode is 200 or 404, $"status {result.StatusCode}: {result.Text}");
        Assert.NotEmpty(result.Body);
        Interlocked.Increment(ref result.Succeeded ? ref _successes : ref _failures);
        if (result.Succeeded) return;
        using var error = JsonDocument.Parse(result.Body);
        var root = error.RootElement;
        Assert.Equal(JsonValueKind.String, root.GetProperty("errorType").ValueKind);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("stackTrace").ValueKind);
        var message = root.GetProperty("errorMessage").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("errorType").GetString()));
        Assert.True(message.Trim().Length >= 10, $"unclear message: '{message}'");
        // Not JSON at all: the runtime itself must say so, naming the event type it expected.
        if (!IsJson(body))
        {
            Assert.Equal("InvalidEventException", root.GetProperty("errorType").GetString());
            Assert.Contains(eventType, message, StringComparison.Ordinal);
        }
    }

    private static string? StringField(JsonObject? o, string name) =>
        o is not null && o.TryGetPropertyValue(name, out var node) && node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    [Fact]
    public async Task Greet_answers_success_or_the_error_contract()
    {
        await Mutated(GreetEvents, textMutations: true).SampleAsync(async t =>
        {
            var result = await _server.InvokeAsync("greet", t.Body, Context());
            AssertContractAnswer(result, t.Body, nameof(GreetEvent));
            // A well-formed event with a usable name must be greeted with exactly that name.
            if (StringField(t.Intact, "name") is { } name && !string.IsNullOrWhiteSpace(name) && t.Intact!.Count == 1)
                Assert.Equal($"Hello, {name}!", result.Json(SampleJson.Default.GreetResult).Greeting);
        }, iter: 200, threads: 1);
        AssertBothOutcomesSeen();
    }

    [Fact]
    public async Task Sleep_answers_success_or_the_error_contract()
    {
        await Mutated(SleepEvents, textMutations: true).SampleAsync(async t =>
        {
            var result = await _server.InvokeAsync("sleep", t.Body, Context());
            AssertContractAnswer(result, t.Body, nameof(SleepEvent));
            if (t.Intact is { Count: 1 } intact && intact.TryGetPropertyValue("milliseconds", out var node) && node is JsonValue v && v.TryGetValue(out int ms))
                Assert.Equal(ms, result.Json(SampleJson.Default.SleepResult).Slept);
        }, iter: 100, threads: 1);
        AssertBothOutcomesSeen();
    }

    [Fact]
    public async Task Oss_put_object_answers_success_or_the_error_contract()
    {
        // Text mutations are left out here: one could turn the emulator's address into a host name to look up.
        await Mutated(PutEvents, textMutations: false).SampleAsync(async t =>
        {
            var result = await _server.InvokeAsync("oss-put-object", t.Body, Context());
            AssertContractAnswer(result, t.Body, "PutObjectEvent");
            if (result.Succeeded) Assert.Equal("success", result.Text);
            if (result.Succeeded) Assert.NotNull(_oss.Objects.Get(Bucket, StringField(t.Intact, "objectName")!));
        }, iter: 150, threads: 1);
        AssertBothOutcomesSeen();
    }
}
