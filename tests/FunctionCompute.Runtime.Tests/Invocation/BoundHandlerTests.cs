using System.Text;
using System.Text.Json;
using FunctionCompute.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Tests.Invocation;

/// <summary>A scoped service: one per invocation, disposed after its answer; it knows its invocation through IFcContext.</summary>
public sealed class UnitOfWork(IFcContext context, DisposalLog disposals) : IDisposable
{
    private static int _created;

    public int Id { get; } = Interlocked.Increment(ref _created);
    public string RequestId { get; } = context.RequestId;
    public bool Disposed { get; private set; }
    public List<string> Steps { get; } = [];

    /// <summary>A result stream that refuses to be read once the scope has disposed this service.</summary>
    public Stream Report() => new GuardedStream(Encoding.UTF8.GetBytes($"uow {Id} for {RequestId}"), this);

    public void Dispose()
    {
        Disposed = true;
        disposals.Add(RequestId);
    }

    private sealed class GuardedStream(byte[] bytes, UnitOfWork owner) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) =>
            owner.Disposed ? throw new ObjectDisposedException("UnitOfWork") : base.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            owner.Disposed ? throw new ObjectDisposedException("UnitOfWork") : base.ReadAsync(buffer, cancellationToken);
    }
}

/// <summary>Which invocations' scoped services were disposed, in order; waitable.</summary>
public sealed class DisposalLog
{
    private readonly List<string> _requestIds = [];
    private readonly SemaphoreSlim _added = new(0);

    public void Add(string requestId)
    {
        lock (_requestIds) _requestIds.Add(requestId);
        _added.Release();
    }

    /// <summary>Waits (bounded) for the next disposal; the bound only keeps a broken run from hanging.</summary>
    public async Task<string> NextAsync()
    {
        Assert.True(await _added.WaitAsync(TimeSpan.FromSeconds(30)), "no scope was disposed");
        lock (_requestIds) return _requestIds[^1];
    }
}

public sealed class Pricing
{
    public decimal UnitPrice => 2.5m;
}

public sealed record Priced(string Item, decimal Total, string RequestId, int UnitOfWork, bool CancellationMatches, string Logger);

/// <summary>A class handler: its constructor's parameters come from the invocation's scope.</summary>
public sealed class PriceHandler(Pricing pricing, UnitOfWork work, IFcContext context) : IEventHandler<Order, Priced>
{
    public ValueTask<Priced> HandleAsync(Order input, IFcContext invocation, CancellationToken cancellationToken) =>
        new(new Priced(input.Item, input.Quantity * pricing.UnitPrice, context.RequestId, work.Id, cancellationToken == invocation.CancellationToken, "class"));
}

/// <summary>A class handler that holds a resource: the invocation owns it and disposes it after the answer.</summary>
public sealed class DisposablePriceHandler(Pricing pricing, DisposalLog disposals, IFcContext context) : IEventHandler<Order, Priced>, IAsyncDisposable
{
    private bool _disposed;

    public ValueTask<Priced> HandleAsync(Order input, IFcContext invocation, CancellationToken cancellationToken) =>
        _disposed ? throw new ObjectDisposedException(nameof(DisposablePriceHandler))
            : new(new Priced(input.Item, input.Quantity * pricing.UnitPrice, context.RequestId, 0, true, "disposable"));

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        disposals.Add("handler:" + context.RequestId);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A filter from DI: records its step on the invocation's unit of work.</summary>
public sealed class StepFilter(UnitOfWork work) : IEventInvocationFilter
{
    public async ValueTask<EventResult> InvokeAsync(FcInvocationContext context, FcInvocationDelegate next)
    {
        work.Steps.Add("di-filter");
        return await next(context);
    }
}

/// <summary>Handlers bound by the source generator: parameters by type, one DI scope per invocation, class handlers, filters.</summary>
public class BoundHandlerTests
{
    private static void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DisposalLog>();
        builder.Services.AddSingleton<Pricing>();
        builder.Services.AddScoped<UnitOfWork>();
        builder.Services.AddScoped<StepFilter>();
        builder.Services.ConfigureEventJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, TestJson.Default));
    }

    private static Task<TestFunctionHost> StartAsync(Action<WebApplication> map) => TestFunctionHost.StartAsync(map, build: AddServices);

    private static async Task<T> InvokeJsonAsync<T>(TestFunctionHost host, string handler, string body, string requestId)
    {
        using var response = await host.Client.SendAsync(Fc.Invoke(handler, body, requestId));
        ErrorBody.AssertSucceeded(response);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonSerializer.Deserialize<T>(await response.Content.ReadAsStringAsync(), PricedJson.Default.Options)!;
    }

    [Fact]
    public async Task Parameters_are_bound_by_type_from_the_invocation_and_its_scope_sync_and_async()
    {
        await using var host = await StartAsync(app =>
        {
            app.MapEvent("price", (Order order, IFcContext context, Pricing pricing, UnitOfWork work, CancellationToken token, ILogger<BoundHandlerTests> logger) =>
            {
                logger.LogInformation("pricing {Item}", order.Item);
                return new Priced(order.Item, order.Quantity * pricing.UnitPrice, context.RequestId, work.Id, token == context.CancellationToken, "sync");
            });
            app.MapEvent("price-async", async (UnitOfWork work, Order order, CancellationToken token, IFcContext context) =>
            {
                await Task.Yield();
                return new Priced(order.Item, order.Quantity, context.RequestId, work.Id, token == context.CancellationToken, "async");
            });
        });

        var priced = await InvokeJsonAsync<Priced>(host, "price", """{"item":"tea","quantity":4}""", "bound-1");
        Assert.Equal(("tea", 10.0m, "bound-1", true, "sync"), (priced.Item, priced.Total, priced.RequestId, priced.CancellationMatches, priced.Logger));
        Assert.Contains(host.Log.Lines, line => line.Contains("bound-1") && line.Contains("pricing tea"));

        // The first parameter no other rule claims is the event, wherever it stands.
        var later = await InvokeJsonAsync<Priced>(host, "price-async", """{"Item":"cake","Quantity":3}""", "bound-2");
        Assert.Equal(("cake", 3m, "bound-2", true, "async"), (later.Item, later.Total, later.RequestId, later.CancellationMatches, later.Logger));
        Assert.NotEqual(priced.UnitOfWork, later.UnitOfWork); // a scope per invocation
    }

    [Fact]
    public async Task The_scope_is_disposed_after_the_answer_is_written_and_IFcContext_resolves_in_it()
    {
        await using var host = await StartAsync(app =>
            app.MapEvent("report", ([FromServices] UnitOfWork work, IServiceProvider services) =>
            {
                // One scope for the whole invocation: the same instance whoever asks.
                Assert.Same(work, services.GetRequiredService<UnitOfWork>());
                return work.Report();
            }));
        var disposals = host.App.Services.GetRequiredService<DisposalLog>();

        using var response = await host.Client.SendAsync(Fc.Invoke("report", "", "scope-1"));
        // The stream comes from the scoped service and throws once it is disposed: the whole body proves the order.
        ErrorBody.AssertSucceeded(response);
        Assert.Matches("^uow [0-9]+ for scope-1$", await response.Content.ReadAsStringAsync());
        Assert.Equal("scope-1", await disposals.NextAsync());
    }

    [Fact]
    public async Task A_handler_that_outlives_its_timeout_keeps_its_scope_until_it_finishes()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool? disposedWhenReleased = null;
        await using var host = await StartAsync(app =>
            app.MapEvent("late", async ([FromServices] UnitOfWork work) =>
            {
                await release.Task;
                disposedWhenReleased = work.Disposed;
                return "late";
            }));
        var disposals = host.App.Services.GetRequiredService<DisposalLog>();

        using var response = await host.Client.SendAsync(Fc.Invoke("late", "", "late-1",
            new Dictionary<string, string> { [FunctionCompute.Runtime.Contract.FcHeaders.FunctionTimeout] = "1" }));
        var error = await ErrorBody.AssertFailedAsync(response);
        Assert.Equal(nameof(FunctionTimeoutException), error.ErrorType);

        // The timeout is answered; the handler still runs with a live scope, which is disposed once it returns.
        release.SetResult();
        Assert.Equal("late-1", await disposals.NextAsync());
        Assert.False(disposedWhenReleased);
    }

    [Fact]
    public async Task Results_are_written_as_now_text_bytes_stream_result_and_nothing()
    {
        await using var host = await StartAsync(app =>
        {
            app.MapEvent("text", (Stream input) => new StreamReader(input).ReadToEnd().ToUpperInvariant());
            app.MapEvent("bytes", async (Stream input, CancellationToken token) =>
            {
                var copy = new MemoryStream();
                await input.CopyToAsync(copy, token);
                return copy.ToArray().Reverse().ToArray();
            });
            app.MapEvent("result", (IFcContext context) => EventResult.FromText(context.RequestId, "text/x-id"));
            app.MapEvent("nothing", async (Order order, UnitOfWork work) => await Task.Yield());
            app.MapEvent("void", (IFcContext context) => context.Logger.LogInformation("void handler ran"));
        });

        async Task<(string Body, string? Type)> Call(string name, string body)
        {
            using var response = await host.Client.SendAsync(Fc.Invoke(name, body, "r-" + name));
            ErrorBody.AssertSucceeded(response);
            return (await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(("ABC", "text/plain"), await Call("text", "abc"));
        Assert.Equal(("cba", "application/octet-stream"), await Call("bytes", "abc"));
        Assert.Equal(("r-result", "text/x-id"), await Call("result", ""));
        Assert.Equal("", (await Call("nothing", """{"item":"x","quantity":1}""")).Body);
        Assert.Equal("", (await Call("void", "")).Body);
        Assert.Contains(host.Log.Lines, line => line.Contains("r-void") && line.Contains("void handler ran"));
    }

    [Fact]
    public async Task A_missing_service_stops_startup_with_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestFunctionHost.StartAsync(
            app => app.MapEvent("needs", (Order order, Unregistered missing) => order.Item)));
        Assert.Contains("'needs'", error.Message);
        Assert.Contains("Unregistered", error.Message);
        Assert.Contains("not registered", error.Message);
    }

    public sealed class Unregistered;

    public sealed class Discount(string rate)
    {
        public string Rate => rate;
    }

    [Fact]
    public async Task A_keyed_service_is_bound_by_its_key_and_a_missing_key_stops_startup()
    {
        await using (var host = await TestFunctionHost.StartAsync(
            app => app.MapEvent("keyed", ([FromKeyedServices("premium")] Discount discount) => discount.Rate),
            build: builder =>
            {
                AddServices(builder);
                builder.Services.AddKeyedSingleton("premium", new Discount("0.2"));
                builder.Services.AddKeyedSingleton("basic", new Discount("0.05"));
            }))
        {
            using var response = await host.Client.SendAsync(Fc.Invoke("keyed", "", "keyed-1"));
            Assert.Equal("0.2", await response.Content.ReadAsStringAsync());
        }

        // Registered, but not under the key the handler names: startup stops, as for a missing service.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestFunctionHost.StartAsync(
            app => app.MapEvent("keyed-missing", ([FromKeyedServices("gold")] Discount discount) => discount.Rate),
            build: builder => builder.Services.AddKeyedSingleton("premium", new Discount("0.2"))));
        Assert.Contains("'keyed-missing'", error.Message);
        Assert.Contains("Discount", error.Message);
        Assert.Contains("\"gold\"", error.Message);
    }

    [Fact]
    public async Task A_class_handler_is_built_per_invocation_from_the_scope()
    {
        await using var host = await StartAsync(app => app.MapEvent<PriceHandler>("class-price"));

        var first = await InvokeJsonAsync<Priced>(host, "class-price", """{"item":"tea","quantity":2}""", "class-1");
        var second = await InvokeJsonAsync<Priced>(host, "class-price", """{"item":"tea","quantity":2}""", "class-2");
        Assert.Equal(("tea", 5.0m, "class-1", true, "class"), (first.Item, first.Total, first.RequestId, first.CancellationMatches, first.Logger));
        Assert.Equal("class-2", second.RequestId);
        Assert.NotEqual(first.UnitOfWork, second.UnitOfWork);
    }

    [Fact]
    public async Task A_disposable_class_handler_is_disposed_after_each_answer()
    {
        await using var host = await StartAsync(app => app.MapEvent<DisposablePriceHandler>("disposable-price"));
        var disposals = host.App.Services.GetRequiredService<DisposalLog>();

        foreach (var requestId in new[] { "dispose-1", "dispose-2" })
        {
            var priced = await InvokeJsonAsync<Priced>(host, "disposable-price", """{"item":"tea","quantity":2}""", requestId);
            Assert.Equal((requestId, "disposable"), (priced.RequestId, priced.Logger));
            Assert.Equal("handler:" + requestId, await disposals.NextAsync());
        }
    }

    [Fact]
    public async Task Filters_run_in_order_inside_the_scope_see_the_event_and_can_short_circuit()
    {
        var order = new List<string>();
        await using var host = await StartAsync(app =>
        {
            app.AddEventFilter(async (context, next) =>
            {
                order.Add("app:" + context.HandlerName);
                // Inside the call's log frame: the line carries the invocation's request id.
                context.Context.Logger.LogInformation("filter saw {Handler}", context.HandlerName);
                return await next(context);
            });
            app.MapEvent("filtered", (Order input, UnitOfWork work) => string.Join(",", work.Steps) + " -> " + input.Item)
                .AddFilter(async (context, next) =>
                {
                    var work = context.Services.GetRequiredService<UnitOfWork>();
                    work.Steps.Add("saw " + ((Order)context.Event!).Item);
                    // A filter may replace the event before the handler sees it.
                    if (((Order)context.Event!).Item == "rename") context.Event = new Order("renamed", 1);
                    return await next(context);
                })
                .AddFilter<StepFilter>()
                .AddFilter(async (context, next) =>
                {
                    var input = (Order)context.Event!;
                    if (input.Quantity > 10) return EventResult.FromText("refused: too many");
                    if (input.Quantity < 0) throw new InvalidEventException("quantity must not be negative");
                    return await next(context);
                });
        });

        async Task<string> Call(string body, string? requestId = null)
        {
            using var response = await host.Client.SendAsync(Fc.Invoke("filtered", body, requestId));
            ErrorBody.AssertSucceeded(response);
            return await response.Content.ReadAsStringAsync();
        }

        Assert.Equal("saw tea,di-filter -> tea", await Call("""{"item":"tea","quantity":1}""", "filter-1"));
        Assert.Contains(host.Log.Lines, line => line.Contains("filter-1") && line.Contains("filter saw filtered"));
        Assert.Equal("saw rename,di-filter -> renamed", await Call("""{"item":"rename","quantity":1}"""));
        Assert.Equal("refused: too many", await Call("""{"item":"tea","quantity":11}"""));
        using var failed = await host.Client.SendAsync(Fc.Invoke("filtered", """{"item":"tea","quantity":-1}"""));
        var error = await ErrorBody.AssertFailedAsync(failed);
        Assert.Equal(nameof(InvalidEventException), error.ErrorType);
        Assert.Equal(["app:filtered", "app:filtered", "app:filtered", "app:filtered"], order);
    }

    [Fact]
    public async Task Filters_for_all_handlers_also_wrap_handlers_of_the_old_shapes()
    {
        await using var host = await StartAsync(app =>
        {
            app.AddEventFilter(async (context, next) => context.Event is Stream
                ? EventResult.FromText("short-circuited raw " + context.HandlerName)
                : await next(context));
            app.MapEvent("raw", (Stream input, IFcContext _) => input);
        });
        using var response = await host.Client.SendAsync(Fc.Invoke("raw", "x"));
        Assert.Equal("short-circuited raw raw", await response.Content.ReadAsStringAsync());
    }

#pragma warning disable FC1002 // the point of this test: a type the generator warns about fails at run time before the handler runs
    [Fact]
    public async Task A_type_missing_from_the_event_json_options_fails_before_the_handler_runs()
    {
        var ran = 0;
        await using var host = await StartAsync(app => app.MapEvent("unlisted", (Order order) =>
        {
            Interlocked.Increment(ref ran);
            return new EventHandlerTests.Unlisted(order.Item);
        }));
        await using var raw = await StartAsync(app => app.MapEvent("unlisted-from-bytes", (Stream input) =>
        {
            Interlocked.Increment(ref ran);
            return new EventHandlerTests.Unlisted("x");
        }));
        foreach (var (server, name) in new[] { (host, "unlisted"), (raw, "unlisted-from-bytes") })
        {
            using var failed = await server.Client.SendAsync(Fc.Invoke(name, """{"item":"tea","quantity":1}"""));
            var error = await ErrorBody.AssertFailedAsync(failed);
            Assert.Equal(nameof(InvalidOperationException), error.ErrorType);
            Assert.Contains("no contract for Unlisted", error.ErrorMessage);
            Assert.Contains("ConfigureEventJsonOptions", error.ErrorMessage);
        }
        Assert.Equal(0, ran);
    }
#pragma warning restore FC1002

    [Fact]
    public async Task Lifecycle_hooks_get_a_scope_of_their_own_disposed_after_the_hook()
    {
        string? seen = null;
        await using var host = await StartAsync(app =>
        {
            app.MapEvent("x", (Stream input) => input);
            app.OnPreStop((context, services) =>
            {
                seen = services.GetRequiredService<UnitOfWork>().RequestId;
                return Task.CompletedTask;
            });
        });
        using var response = await host.Client.SendAsync(Fc.Hook(HttpMethod.Get, "/pre-stop", "hook-1"));
        ErrorBody.AssertSucceeded(response);
        Assert.Equal("hook-1", seen);
        Assert.Equal("hook-1", await host.App.Services.GetRequiredService<DisposalLog>().NextAsync());
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(Priced))]
public sealed partial class PricedJson : System.Text.Json.Serialization.JsonSerializerContext;
