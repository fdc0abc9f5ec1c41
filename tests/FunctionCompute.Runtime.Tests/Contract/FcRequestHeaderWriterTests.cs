using FunctionCompute.Credentials;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Tests.Context;

namespace FunctionCompute.Runtime.Tests.Contract;

/// <summary>The writer fc-local and the test kit call functions with is the parser's inverse, on the one header list.</summary>
public class FcRequestHeaderWriterTests
{
    // Read back by the parser's own test helper (FcContextParserTests.Parse).
    private static FcContext ReadBack(HttpRequestMessage request, out IReadOnlyList<string> problems)
    {
        var parsed = FcContextParserTests.Parse(request.Headers.ToDictionary(h => h.Key, h => Assert.Single(h.Value)));
        problems = parsed.Problems;
        return parsed.Context;
    }

    [Fact]
    public void EveryFieldTheWriterSendsTheParserReadsBack()
    {
        var sent = new FcContext
        {
            RequestId = "req-1",
            Credentials = new CloudCredentials("STS.id", "secret-value", "token-value"),
            FunctionParam = new FunctionParam
            {
                FunctionName = "fn",
                FunctionHandler = "greet",
                FunctionInitializer = "init",
                MemoryLimitInMB = 256,
                FunctionTimeout = 30,
                InitializationTimeout = 5,
                PreStopHandler = "stop",
                PreFreezeHandler = "freeze",
            },
            ServiceMeta = new ServiceMeta { Name = "svc", LogProject = "proj", LogStore = "store", Qualifier = "LATEST", VersionId = "3" },
            Region = "cn-beijing",
            AccountId = "1234567890123456",
            InstanceId = "c-1",
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            TraceState = "congo=t61rcWkgMzE",
        };
        using var request = new HttpRequestMessage();
        FcRequestHeaderWriter.Write(request.Headers, sent, ControlPaths.Invoke);

        var read = ReadBack(request, out var problems);
        Assert.Empty(problems);
        Assert.Equal(ControlPaths.Invoke, Assert.Single(request.Headers.GetValues(FcHeaders.ControlPath)));
        Assert.Equal(sent.RequestId, read.RequestId);
        Assert.Equal(sent.FunctionParam, read.FunctionParam);
        Assert.Equal(sent.ServiceMeta, read.ServiceMeta);
        Assert.Equal((sent.Region, sent.AccountId, sent.InstanceId, sent.TraceParent, sent.TraceState),
            (read.Region, read.AccountId, read.InstanceId, read.TraceParent, read.TraceState));
        Assert.Equal((sent.Credentials.AccessKeyId, sent.Credentials.AccessKeySecret, sent.Credentials.SecurityToken),
            (read.Credentials.AccessKeyId, read.Credentials.AccessKeySecret, read.Credentials.SecurityToken));
    }

    [Fact]
    public void EmptyValuesAndEmptyCredentialsAreLeftOutAndOldValuesReplaced()
    {
        using var request = new HttpRequestMessage();
        request.Headers.TryAddWithoutValidation(FcHeaders.AccessKeyId, "stale");
        request.Headers.TryAddWithoutValidation(FcHeaders.RequestId, "old-id");
        FcRequestHeaderWriter.Write(request.Headers, new FcContext { RequestId = "new-id" }, null);
        Assert.Equal("new-id", Assert.Single(request.Headers.GetValues(FcHeaders.RequestId)));
        Assert.Equal([FcHeaders.RequestId], request.Headers.Select(h => h.Key));
    }
}
