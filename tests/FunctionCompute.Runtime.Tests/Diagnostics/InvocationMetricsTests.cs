using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FunctionCompute.Runtime.Diagnostics;
using FunctionCompute.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionCompute.Runtime.Tests.Diagnostics;

/// <summary>
/// The runtime's meter, read with a MeterListener on this app's own meter factory: invocations, errors by type, the
/// one cold start, active invocations back at zero, event and result sizes, web calls with their trigger, and hooks
/// not counted; with nobody listening, an invocation measures nothing.
/// </summary>
public sealed class InvocationMetricsTests
{
    private sealed class Recorded : IDisposable
    {
        private readonly MeterListener _listener = new();
        public ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)> Measurements { get; } = new();

        public Recorded(IMeterFactory scope)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == InvocationMetrics.MeterName && instrument.Meter.Scope == scope) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            Measurements.Enqueue((instrument.Name, value, new Dictionary<string, object?>(tags.ToArray())));

        public double Sum(string name, Func<Dictionary<string, object?>, bool>? where = null) =>
            Measurements.Where(m => m.Name == name && (where is null || where(m.Tags))).Sum(m => m.Value);

        public int Count(string name) => Measurements.Count(m => m.Name == name);

        public void Dispose() => _listener.Dispose();
    }

    private static Task<TestFunctionHost> StartAsync() => TestFunctionHost.StartAsync(app =>
    {
        app.MapEvent("echo", (Stream input, IFcContext _) => input);
        app.MapEvent("boom", Stream (Stream _, IFcContext _) => throw new ArgumentException("boom"));
        app.MapGet("/web", () => "twelve bytes");
        app.MapGet("/web-fails", (HttpContext _) => Results.StatusCode(503));
    });

    [Fact]
    public async Task Invocations_errors_cold_start_active_and_sizes_are_measured_and_hooks_are_not()
    {
        await using var host = await StartAsync();
        using var recorded = new Recorded(host.App.Services.GetRequiredService<IMeterFactory>());

        using (var response = await host.Client.SendAsync(Fc.Hook(HttpMethod.Post, "/initialize", requestId: "init-1"))) ErrorBody.AssertSucceeded(response);
        for (var i = 0; i < 3; i++)
            using (var response = await host.Client.SendAsync(Fc.Invoke("echo", "hello", requestId: $"echo-{i}"))) ErrorBody.AssertSucceeded(response);
        using (await host.Client.SendAsync(Fc.Invoke("boom", "x", requestId: "boom-1"))) { }
        var web = new HttpRequestMessage(HttpMethod.Get, "/web");
        web.Headers.Add(Runtime.Contract.FcHeaders.RequestId, "web-1");
        using (await host.Client.SendAsync(web)) { }
        var failing = new HttpRequestMessage(HttpMethod.Get, "/web-fails");
        failing.Headers.Add(Runtime.Contract.FcHeaders.RequestId, "web-2");
        using (await host.Client.SendAsync(failing)) { }

        static bool Event(Dictionary<string, object?> tags) => (string?)tags["faas.trigger"] == "other";
        static bool Web(Dictionary<string, object?> tags) => (string?)tags["faas.trigger"] == "http";
        Assert.Equal(4, recorded.Sum("faas.invocations", Event));
        Assert.Equal(2, recorded.Sum("faas.invocations", Web));
        Assert.Equal(1, recorded.Sum("faas.errors", t => (string?)t["error.type"] == "System.ArgumentException" && Event(t)));
        Assert.Equal(1, recorded.Sum("faas.errors", t => (string?)t["error.type"] == "503" && Web(t)));
        Assert.Equal(2, recorded.Count("faas.errors"));
        Assert.Equal(1, recorded.Sum("faas.coldstarts"));
        Assert.Equal(0, recorded.Sum("fc.invocations.active"));
        Assert.Equal(12, recorded.Count("fc.invocations.active"));
        Assert.Equal(6, recorded.Count("faas.invoke_duration"));
        Assert.All(recorded.Measurements.Where(m => m.Name == "faas.invoke_duration"), m => Assert.InRange(m.Value, 0, 60));
        Assert.Equal(3 * 5 + 1, recorded.Sum("fc.event.size", Event));
        Assert.Equal(3 * 5, recorded.Sum("fc.result.size", Event));
        Assert.Equal(0, recorded.Sum("faas.timeouts"));
    }

    [Fact]
    public async Task With_nobody_listening_an_invocation_measures_nothing()
    {
        await using var host = await StartAsync();
        var metrics = host.App.Services.GetRequiredService<Runtime.Invocation.CallServices>().Metrics;

        Assert.Equal(0, metrics.Started(Runtime.Contract.CallKind.Invoke, coldStart: true));
        using var recorded = new Recorded(host.App.Services.GetRequiredService<IMeterFactory>());
        Assert.NotEqual(0, metrics.Started(Runtime.Contract.CallKind.Invoke, coldStart: false));
        Assert.Equal(0, metrics.Started(Runtime.Contract.CallKind.PreStop, coldStart: false));
    }
}
