using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.StandIns;

namespace SampleFunctions.Tests;

/// <summary>The code package with <c>FC_LOG_FORMAT=json</c>, as a real process under load: every line it writes is a whole record.</summary>
public partial class PackagedJsonLogTests
{
    private const int Callers = 200;

    [GeneratedRegex(@"^FC (Invoke|Initialize) (Start|End) RequestId: (?<id>\S+)$")]
    private static partial Regex InvokeMarker();

    private static HttpRequestMessage Invoke(string id, string secret, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/invoke")
        {
            // The order names the caller's own secret: each line must come out with it masked, under load too.
            Content = new StringContent($$"""{"order":"{{id}}/{{secret}}","items":2}"""),
        };
        request.Headers.Add(FcHeaders.ControlPath, "/invoke");
        request.Headers.Add(FcHeaders.FunctionHandler, "structured-log");
        request.Headers.Add(FcHeaders.RequestId, id);
        request.Headers.Add(FcHeaders.AccessKeyId, $"STS.{id}");
        request.Headers.Add(FcHeaders.AccessKeySecret, secret);
        request.Headers.Add(FcHeaders.SecurityToken, token);
        return request;
    }

    [Fact]
    public async Task Two_hundred_concurrent_invocations_write_one_JSON_object_per_line_each_of_exactly_one_request()
    {
        await using var function = await FunctionProcess.StartPackageAsync(new Dictionary<string, string> { ["FC_LOG_FORMAT"] = "json" });
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Callers }) { BaseAddress = function.Client.BaseAddress };
        var ids = Enumerable.Range(0, Callers).Select(i => $"json-load-{i:000}").ToArray();
        var secrets = ids.ToDictionary(id => id, id => $"secret-{id}-{Guid.NewGuid():N}");
        // FC initializes first: the sample's initializer logs a line of its own, inside the Initialize frame.
        using var initialize = new HttpRequestMessage(HttpMethod.Post, "/initialize") { Content = new ByteArrayContent([]) };
        initialize.Headers.Add(FcHeaders.ControlPath, "/initialize");
        initialize.Headers.Add(FcHeaders.RequestId, "json-init");
        using (var initialized = await client.SendAsync(initialize)) Assert.Equal(HttpStatusCode.OK, initialized.StatusCode);

        var statuses = await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            using var response = await client.SendAsync(Invoke(id, secrets[id], $"CAIS-token-{id}-{secrets[id]}"));
            return response.StatusCode;
        })));
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        await function.WaitForOutputAsync(output => ids.All(id => output.Contains($"FC Invoke End RequestId: {id}\n")), "every End line", TimeSpan.FromSeconds(30));

        var output = function.Output;
        foreach (var secret in secrets.Values) Assert.DoesNotContain(secret, output);
        Assert.DoesNotContain("CAIS-token-", output);
        var perRequest = ids.Append("json-init").ToDictionary(id => id, _ => new List<string>());
        var outside = new List<JsonElement>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var marker = InvokeMarker().Match(line);
            if (marker.Success)
            {
                perRequest[marker.Groups["id"].Value].Add(line);
                continue;
            }
            // Every other line is one whole JSON object: a split or merged line would not parse.
            using var document = JsonDocument.Parse(line);
            var record = document.RootElement;
            if (!record.TryGetProperty("requestId", out var id))
            {
                outside.Add(record.Clone());
                continue;
            }
            if (id.GetString() == "json-init")
            {
                Assert.StartsWith("initialized function", record.GetProperty("message").GetString());
                continue;
            }
            Assert.True(record.TryGetProperty("scope", out var scope), line);
            var order = scope.GetProperty("Order").GetString();
            Assert.Equal($"{id.GetString()}/***", order);
            perRequest[id.GetString()!].Add(record.GetProperty("level").GetString()!);
            if (record.GetProperty("level").GetString() == "INFO")
            {
                Assert.Equal(2, record.GetProperty("properties").GetProperty("Items").GetInt32());
                Assert.Equal(order, record.GetProperty("properties").GetProperty("Order").GetString());
            }
            else
            {
                var exception = record.GetProperty("exception");
                Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
                Assert.Equal($"no stock for the 2 items of order {order}", exception.GetProperty("message").GetString());
                Assert.NotEqual(0, exception.GetProperty("stackTrace").GetArrayLength());
            }
        }
        Assert.Equal(["FC Initialize Start RequestId: json-init", "FC Initialize End RequestId: json-init"], perRequest["json-init"]);
        foreach (var id in ids)
            Assert.Equal([$"FC Invoke Start RequestId: {id}", "INFO", "WARNING", $"FC Invoke End RequestId: {id}"], perRequest[id]);
        // The start-up line, outside any invocation, is JSON too.
        Assert.Contains(outside, record => record.GetProperty("message").GetString()!.StartsWith("FC runtime listening on", StringComparison.Ordinal)
            && record.GetProperty("category").GetString() == "FunctionCompute.Runtime");
    }
}
