using System.Net;
using System.Runtime.CompilerServices;
using FunctionCompute.StandIns;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

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

/// <summary>The sample app served by Kestrel on a free loopback port, invoked over HTTP the way FC invokes it.</summary>
internal static class InProcessSampleApp
{
    /// <summary>Starts the app; its log lines go to <paramref name="log"/>.</summary>
    public static async Task<(WebApplication App, HttpClient Client)> StartAsync(MemoryStream log)
    {
        var app = SampleApp.Create([], o =>
        {
            o.Port = 0;
            o.ListenAddress = IPAddress.Loopback;
            o.LogOutput = Stream.Synchronized(log);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) });
    }
}
