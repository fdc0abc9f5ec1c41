using System.Runtime.CompilerServices;
using FunctionCompute.StandIns;
using FunctionCompute.Testing;

namespace SampleFunctions.Tests;

/// <summary>
/// These tests run the samples against loopback stand-ins (the local OSS, the STS stand-in), which the samples refuse
/// unless the function's environment opts in, as <c>scripts/run.sh</c> does for local runs. The in-process samples read
/// this process's environment, so it opts in once for the whole assembly; the tests of the refusals themselves
/// (<see cref="EndpointPolicySampleTests"/>) switch it off while they run, alone.
/// </summary>
internal static class LocalRuns
{
    /// <summary>The opt-in the samples read on every call (<c>OssEndpointPolicy.AllowLoopbackVariable</c>).</summary>
    public const string AllowLoopbackVariable = LocalOss.AllowLoopbackVariable;

    /// <summary>Where <c>oss-cross-account-put</c> sends <c>AssumeRole</c> (configuration only, never the event).</summary>
    public const string StsEndpointVariable = "ALIBABA_CLOUD_STS_ENDPOINT";

    [ModuleInitializer]
    internal static void OptIn() => Environment.SetEnvironmentVariable(AllowLoopbackVariable, "true");
}

/// <summary>
/// The sample app's own <c>Program</c> on the test kit's in-memory server (no port, no process), called over HTTP the way
/// FC calls it: the production pipeline, with the log captured.
/// </summary>
internal static class InProcessSampleApp
{
    public static async Task<(FcTestServer App, HttpClient Client)> StartAsync()
    {
        var server = await FcTestServer.StartAsync<Program>();
        var client = server.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        return (server, client);
    }

    /// <summary>Everything the app logged so far.</summary>
    public static string LogText(FcTestServer app)
    {
        app.FlushLog();
        return string.Join('\n', app.Log.Lines.Select(line => line.Raw));
    }
}
