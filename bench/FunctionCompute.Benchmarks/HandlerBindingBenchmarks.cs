using BenchmarkDotNet.Attributes;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Invocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Benchmarks;

/// <summary>
/// What binding by type costs per invocation: the same handler taking no service, and taking three (a singleton, a scoped
/// service and an <c>ILogger&lt;T&gt;</c>), each run as the event invocation runs it (the invocation's context made, the
/// generated binding called, the scope disposed after the answer). Bound by the source generator, as an app's are.
/// </summary>
[MemoryDiagnoser]
public class HandlerBindingBenchmarks
{
    private WebApplication _app = null!;
    private EventEndpoint _none = null!;
    private EventEndpoint _threeServices = null!;
    private EventHandlerServices _services = null!;
    private readonly IFcContext _context = new FcContext { RequestId = "bench" };
    private readonly Stream _input = new MemoryStream([1, 2, 3]);

    public sealed class Clock { public long Ticks => 1; }
    public sealed class UnitOfWork { public int Writes; }

    [GlobalSetup]
    public void Setup()
    {
        var builder = FunctionApp.CreateBuilder([], options => options.LogOutput = Stream.Null);
        builder.Services.AddSingleton<Clock>();
        builder.Services.AddScoped<UnitOfWork>();
        _app = builder.Build();
        _app.MapEvent("none", (Stream input, IFcContext context) => EventResult.Empty);
        _app.MapEvent("three", (Stream input, IFcContext context, Clock clock, UnitOfWork work, ILogger<HandlerBindingBenchmarks> log) =>
        {
            work.Writes += (int)clock.Ticks;
            return EventResult.Empty;
        });
        var registry = _app.Services.GetRequiredService<EventHandlerRegistry>();
        _services = _app.Services.GetRequiredService<EventHandlerServices>();
        _none = Resolve(registry, "none");
        _threeServices = Resolve(registry, "three");
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _app.DisposeAsync();

    private static EventEndpoint Resolve(EventHandlerRegistry registry, string name) =>
        registry.TryResolve(name, out var endpoint, out var error) ? endpoint : throw new InvalidOperationException(error);

    [Benchmark(Baseline = true, Description = "handler taking no service")]
    public ValueTask<EventResult> NoService() => RunAsync(_none);

    [Benchmark(Description = "handler taking three services (singleton, scoped, ILogger<T>)")]
    public ValueTask<EventResult> ThreeServices() => RunAsync(_threeServices);

    private async ValueTask<EventResult> RunAsync(EventEndpoint endpoint)
    {
        var invocation = new FcInvocationContext(_context, endpoint.Name, _input, _services);
        var result = await endpoint.InvokeAsync(invocation, _services.Filters);
        await invocation.DisposeScopeAsync();
        return result;
    }
}
