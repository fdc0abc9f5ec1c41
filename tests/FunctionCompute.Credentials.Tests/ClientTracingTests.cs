using System.Diagnostics;
using FunctionCompute.Credentials.Providers;
using FunctionCompute.Credentials.Sts;
using FunctionCompute.Credentials.Tests.StandIns;
using FunctionCompute.StandIns;
using FunctionCompute.Tests.Shared;

namespace FunctionCompute.Credentials.Tests;

/// <summary>
/// STS and ECS-metadata calls made inside a trace are client spans of it: STS receives their traceparent, and no tag
/// holds the signature, the security token, the metadata token or a secret.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class ClientTracingTests
{
    private const string SourceName = "FunctionCompute.Credentials";
    private static readonly ActivitySource Invocation = new("Tests.Invocation");

    private static IEnumerable<string> TagValues(IEnumerable<Activity> spans) =>
        spans.SelectMany(s => s.TagObjects.Select(t => t.Value?.ToString() ?? "").Append(s.DisplayName));

    [Fact]
    public async Task An_sts_call_is_a_client_span_whose_traceparent_sts_receives_and_whose_url_has_no_signed_query()
    {
        const string keyId = "LTAI5tTraceKey", keySecret = "trace-sts-secret-do-not-leak", token = "CAIS-trace-token-do-not-leak";
        await using var sts = await StsServer.StartAsync();
        sts.AccessKeys[keyId] = keySecret;
        sts.Roles[sts.RoleArn("trace-role")] = new StsRole();
        using var recorder = new ActivityRecorder(SourceName, Invocation.Name, "System.Net.Http");
        var client = new StsClient(new StsClientOptions { Endpoint = sts.Endpoint, Method = HttpMethod.Get });

        Activity parent;
        using (parent = Invocation.StartActivity("invocation", ActivityKind.Server)!)
        {
            // The security token rides in the signed query of a GET: it must not reach url.full.
            await client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = sts.RoleArn("trace-role") }, new CloudCredentials(keyId, keySecret, token));
            await Assert.ThrowsAsync<StsException>(() => client.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = sts.RoleArn("trace-role") }, new CloudCredentials(keyId, "not-the-" + keySecret)));
        }

        var spans = recorder.Of(parent.TraceId).Where(s => s.Source.Name == SourceName).ToList();
        Assert.Equal(2, spans.Count);
        Assert.All(spans, span =>
        {
            Assert.Equal(ActivityKind.Client, span.Kind);
            Assert.Equal(parent.SpanId, span.ParentSpanId);
            Assert.Equal("Sts/AssumeRole", span.DisplayName);
            Assert.Equal("alibaba_cloud_sts", span.GetTagItem("rpc.system"));
            Assert.Equal("AssumeRole", span.GetTagItem("rpc.method"));
            Assert.Equal(new Uri(sts.Endpoint).GetLeftPart(UriPartial.Authority) + "/", span.GetTagItem("url.full"));
        });
        Assert.Equal(ActivityStatusCode.Unset, spans[0].Status);
        Assert.Equal(200, spans[0].GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, spans[1].Status);
        Assert.Equal("400", spans[1].GetTagItem("error.type"));
        Assert.Equal(spans.Select(s => s.Id), sts.Requests.Select(r => r.Headers["traceparent"]));
        foreach (var forbidden in new[] { keySecret, token, "Signature", "SecurityToken" })
            Assert.DoesNotContain(TagValues(spans), value => value.Contains(forbidden, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ecs_metadata_calls_are_client_spans_without_the_metadata_token_or_the_credentials()
    {
        var time = new ManualTimeProvider();
        await using var imds = await MetadataServer.StartAsync(time);
        imds.RequireToken = true;
        using var recorder = new ActivityRecorder(SourceName, Invocation.Name);
        var provider = new EcsRamRoleCredentialsProvider(new EcsRamRoleOptions { BaseAddress = imds.BaseAddress, TimeProvider = time, Timeout = TimeSpan.FromSeconds(2) });

        Activity parent;
        CloudCredentials credentials;
        using (parent = Invocation.StartActivity("invocation")!) credentials = await provider.GetCredentialsAsync();

        var spans = recorder.Of(parent.TraceId).Where(s => s.Source.Name == SourceName).ToList();
        Assert.Equal(
            ["PUT /latest/api/token", "GET /latest/meta-data/ram/security-credentials/", "GET /latest/meta-data/ram/security-credentials/EcsRamRoleTest"],
            spans.Select(s => s.DisplayName));
        Assert.All(spans, span => Assert.Equal(parent.SpanId, span.ParentSpanId));
        Assert.All(spans, span => Assert.Equal(200, span.GetTagItem("http.response.status_code")));
        foreach (var forbidden in new[] { credentials.AccessKeySecret, credentials.SecurityToken! })
            Assert.DoesNotContain(TagValues(spans), value => value.Contains(forbidden, StringComparison.Ordinal));
    }
}
