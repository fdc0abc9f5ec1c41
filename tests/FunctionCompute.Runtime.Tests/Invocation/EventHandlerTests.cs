using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Invocation;
using FunctionCompute.Runtime.Tests.Infrastructure;

namespace FunctionCompute.Runtime.Tests.Invocation;

public sealed record Order(string Item, int Quantity);
public sealed record Receipt(string Item, int Quantity, decimal Total, string RequestId);

[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(Receipt))]
[JsonSerializable(typeof(Priced))]
public sealed partial class TestJson : JsonSerializerContext;

/// <summary>The handler model: raw and typed, sync and async, and routing by x-fc-function-handler.</summary>
public class EventHandlerTests
{
    private static Receipt Price(Order order, IFcContext context) => new(order.Item, order.Quantity, order.Quantity * 2.5m, context.RequestId);

    [Fact]
    public async Task Raw_sync_and_async_handlers_get_the_event_bytes_and_return_theirs()
    {
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            app.MapEvent("upper", (Stream input, IFcContext _) =>
                (Stream)new MemoryStream(Encoding.UTF8.GetBytes(new StreamReader(input).ReadToEnd().ToUpperInvariant())));
            app.MapEvent("reverse", async (Stream input, IFcContext _) =>
            {
                var bytes = new MemoryStream();
                await input.CopyToAsync(bytes);
                var array = bytes.ToArray();
                Array.Reverse(array);
                return (Stream)new MemoryStream(array);
            });
        });

        using var upper = await host.Client.SendAsync(Fc.Invoke("upper", "abc"));
        using var reverse = await host.Client.SendAsync(Fc.Invoke("reverse", "abc"));

        Assert.Equal("ABC", await upper.Content.ReadAsStringAsync());
        Assert.Equal("cba", await reverse.Content.ReadAsStringAsync());
        Assert.Equal("application/octet-stream", upper.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Typed_handlers_read_and_write_source_generated_json()
    {
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            app.MapEvent("price", Price, TestJson.Default.Order, TestJson.Default.Receipt);
            app.MapEvent<Order, Receipt>("price-async", async (order, context) => { await Task.Yield(); return Price(order, context); }, TestJson.Default);
        });

        foreach (var name in new[] { "price", "price-async" })
        {
            using var response = await host.Client.SendAsync(Fc.Invoke(name, """{"Item":"tea","Quantity":4}""", requestId: "typed-" + name));
            ErrorBody.AssertSucceeded(response);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var receipt = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), TestJson.Default.Receipt);
            Assert.Equal(new Receipt("tea", 4, 10.0m, "typed-" + name), receipt);
        }
    }

    [Fact]
    public async Task Contracts_from_a_json_context_are_built_on_the_handlers_first_call_not_at_startup()
    {
        var json = new CountingJson();
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            app.MapEvent<Order, Receipt>("price", Price, json);
            app.MapEvent<Order>("accept", (order, _) => Task.FromResult(EventResult.FromText(order.Item)), json);
        });
        Assert.Equal(0, json.Lookups);

        for (var i = 0; i < 3; i++)
        {
            using var response = await host.Client.SendAsync(Fc.Invoke("price", """{"Item":"tea","Quantity":1}"""));
            ErrorBody.AssertSucceeded(response);
        }
        Assert.Equal(2, json.Lookups); // Order and Receipt, once each

        using var accepted = await host.Client.SendAsync(Fc.Invoke("accept", """{"Item":"cake","Quantity":1}"""));
        ErrorBody.AssertSucceeded(accepted);
        Assert.Equal("cake", await accepted.Content.ReadAsStringAsync());
        Assert.Equal(3, json.Lookups);
    }

    [Fact]
    public async Task A_type_missing_from_the_json_context_fails_its_handler_before_it_runs_with_the_fix_and_the_others_keep_working()
    {
        var ran = 0;
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            app.MapEvent<Order, Unlisted>("unlisted", (order, _) => { Interlocked.Increment(ref ran); return new Unlisted(order.Item); }, TestJson.Default);
            app.MapEvent<Order, Receipt>("price", Price, TestJson.Default);
        });

        using var failed = await host.Client.SendAsync(Fc.Invoke("unlisted", """{"Item":"tea","Quantity":1}"""));
        var error = await ErrorBody.AssertFailedAsync(failed);
        Assert.Equal(nameof(InvalidOperationException), error.ErrorType);
        Assert.Contains("add [JsonSerializable(typeof(Unlisted))]", error.ErrorMessage);
        Assert.Equal(0, ran); // a handler with side effects (an OSS put) must not do its work and then fail

        using var priced = await host.Client.SendAsync(Fc.Invoke("price", """{"Item":"tea","Quantity":1}"""));
        ErrorBody.AssertSucceeded(priced);
    }

    public sealed record Unlisted(string Item);

    /// <summary>TestJson's contracts, counting how often the runtime asks for one.</summary>
    private sealed class CountingJson() : JsonSerializerContext(null)
    {
        public int Lookups;
        protected override JsonSerializerOptions? GeneratedSerializerOptions => null;

        public override JsonTypeInfo? GetTypeInfo(Type type)
        {
            Interlocked.Increment(ref Lookups);
            return TestJson.Default.GetTypeInfo(type);
        }
    }

    [Fact]
    public async Task With_one_handler_any_or_no_handler_name_reaches_it()
    {
        await using var host = await TestFunctionHost.StartAsync(app => app.MapEvent("only", (Stream input, IFcContext _) => input));
        foreach (var name in new[] { "only", "index.handler", null })
        {
            using var response = await host.Client.SendAsync(Fc.Invoke(name, "hi"));
            ErrorBody.AssertSucceeded(response);
            Assert.Equal("hi", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task With_several_handlers_an_unknown_name_is_an_error_that_names_it()
    {
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            app.MapEvent("a", (Stream input, IFcContext _) => input);
            app.MapEvent("b", (Stream input, IFcContext _) => input);
        });

        using var unknown = await host.Client.SendAsync(Fc.Invoke("index.handler", "x"));
        var error = await ErrorBody.AssertFailedAsync(unknown);
        Assert.Equal(nameof(HandlerNotFoundException), error.ErrorType);
        Assert.Contains("'index.handler'", error.ErrorMessage);
        Assert.Contains("a, b", error.ErrorMessage);

        using var missing = await host.Client.SendAsync(Fc.Invoke(null, "x"));
        Assert.Contains("x-fc-function-handler", (await ErrorBody.AssertFailedAsync(missing)).ErrorMessage);

        using var known = await host.Client.SendAsync(Fc.Invoke("b", "still serving"));
        Assert.Equal("still serving", await known.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Registering_a_name_twice_is_refused()
    {
        var registry = new EventHandlerRegistry();
        registry.Add("x", (_, _) => new ValueTask<EventResult>(EventResult.Empty));
        Assert.Throws<ArgumentException>(() => registry.Add("x", (_, _) => new ValueTask<EventResult>(EventResult.Empty)));
    }

    [Fact]
    public async Task A_handler_result_in_the_runtime_shape_keeps_its_content_type()
    {
        await using var host = await TestFunctionHost.StartAsync(app =>
            app.MapEvent("text", (input, context) => new ValueTask<EventResult>(EventResult.FromText("plain " + context.RequestId))));
        using var response = await host.Client.SendAsync(Fc.Invoke("text", "", requestId: "t-1"));
        Assert.Equal("plain t-1", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
