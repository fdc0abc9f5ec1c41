using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FunctionCompute.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace FunctionCompute.Runtime.Tests.Aot;

/// <summary>
/// The runtime's Native AOT directives (<c>runtime/FunctionCompute.Runtime/build/FunctionCompute.Runtime.rd.xml</c>)
/// list the generic types dependency injection closes while a function app starts and answers its first invocation,
/// so that ILC compiles them in instead of the type loader building them at start. When ASP.NET Core or the runtime
/// starts resolving another one, this test names it.
/// </summary>
[Collection(ProcessWideCollection.Name)]
public sealed partial class StartupDirectivesTests
{
    [GeneratedRegex("\"implementationType\": \"(?<type>[^\"]+`[0-9]+\\[[^\"]+\\])\"")]
    private static partial Regex GenericImplementation();

    [Fact]
    public async Task Every_generic_type_DI_closes_at_start_is_compiled_in_by_the_runtimes_directives()
    {
        using var listener = new CallSiteListener();
        // An event handler and a web endpoint (routing has options of its own), each called once.
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            app.MapEvent("echo", (Stream input, IFcContext _) => input);
            app.MapGet("/hello", () => "hello");
        });
        using (var response = await host.Client.SendAsync(Fc.Invoke("echo", "directives"))) Assert.Equal("directives", await response.Content.ReadAsStringAsync());
        Assert.Equal("hello", await host.Client.GetStringAsync("/hello"));
        using (var response = await host.Client.SendAsync(Fc.Hook(HttpMethod.Post, "/initialize"))) response.EnsureSuccessStatusCode();

        var provider = RuntimeHelpers.GetHashCode(host.App.Services);
        var built = listener.CallSites(provider).SelectMany(json => GenericImplementation().Matches(json)).Select(m => m.Groups["type"].Value)
            .ToHashSet();
        var listed = Directives();

        // The listener saw the host's own (OptionsFactory<KestrelServerOptions> is always there), so an empty set is a broken test.
        Assert.Contains("Microsoft.Extensions.Options.OptionsFactory`1[Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions]", built);
        Assert.Contains("Microsoft.Extensions.Options.UnnamedOptionsManager`1[Microsoft.AspNetCore.Routing.RouteOptions]", built);
        Assert.All(built, type => Assert.True(listed.Contains(type),
            $"{type} is closed by DI at start but not listed in FunctionCompute.Runtime.rd.xml: add it (as Name=\"Definition`1[[Argument,Assembly]]\")."));
    }

    /// <summary>The directives' types, written as <see cref="Type.ToString"/> writes them (<c>Definition`1[Argument]</c>).</summary>
    private static HashSet<string> Directives()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "Aot", "FunctionCompute.Runtime.rd.xml");
        return XDocument.Load(file).Descendants("Type").Select(type => (string)type.Attribute("Name")!)
            .Select(name => Regex.Replace(name, @"\[\[([^,\]]+),[^\]]+\]\]", "[$1]")).ToHashSet();
    }

    /// <summary>
    /// Collects Microsoft.Extensions.DependencyInjection's CallSiteBuilt events (each a JSON description of how a service
    /// is made) by the service provider they belong to. DI splits a long description into chunks, written one after the
    /// other on the resolving thread: they are joined before anything reads them.
    /// </summary>
    private sealed class CallSiteListener : EventListener
    {
        private readonly List<(int Provider, string Json)> _callSites = [];
        private readonly Dictionary<int, System.Text.StringBuilder> _partial = [];

        public IReadOnlyList<string> CallSites(int provider)
        {
            lock (_callSites) return [.. _callSites.Where(site => site.Provider == provider).Select(site => site.Json)];
        }

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Extensions-DependencyInjection") EnableEvents(source, EventLevel.Verbose, EventKeywords.All);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName != "CallSiteBuilt" || e.Payload is null || e.PayloadNames is null) return;
            object? Field(string name) => e.Payload[e.PayloadNames.IndexOf(name)];
            var chunk = Field("callSite") as string ?? "";
            var index = Field("chunkIndex") is int i ? i : 0;
            var count = Field("chunkCount") is int c ? c : 1;
            var provider = Field("serviceProviderHashCode") is int hash ? hash : 0;
            lock (_callSites)
            {
                var thread = Environment.CurrentManagedThreadId;
                if (index == 0) _partial[thread] = new System.Text.StringBuilder();
                if (!_partial.TryGetValue(thread, out var json)) return;
                json.Append(chunk);
                if (index < count - 1) return;
                _partial.Remove(thread);
                _callSites.Add((provider, json.ToString()));
            }
        }
    }
}
