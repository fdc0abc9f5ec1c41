using Microsoft.CodeAnalysis;

namespace FunctionCompute.Runtime.Generators.Tests;

/// <summary>Each reason a handler cannot be bound has its own id and a message that says what to do; nothing is generated for it.</summary>
public class DiagnosticTests
{
    private static string App(string body, string extra = "") => $$"""
        using System;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;
        using System.Text.Json.Serialization;
        using FunctionCompute.Runtime;
        using Microsoft.AspNetCore.Builder;

        public sealed record Order(string Item);
        public sealed record Unlisted(string Item);
        [JsonSerializable(typeof(Order))]
        // What the generator reads is the attributes; the System.Text.Json generator, which would write the body, is not run here.
        public sealed class AppJson() : JsonSerializerContext(null)
        {
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
        }
        {{extra}}

        public static class Map
        {
            public static void Run(WebApplication app, Delegate someDelegate)
            {
                {{body}}
            }
        }
        """;

    private static Diagnostic Single(string body, string extra = "")
    {
        var result = GeneratorHarness.Run(App(body, extra));
        return Assert.Single(result.GeneratorDiagnostics);
    }

    [Fact]
    public void FC1001_a_delegate_variable_cannot_be_bound()
    {
        var diagnostic = Single("""app.MapEvent("var", someDelegate);""");
        Assert.Equal("FC1001", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("MapEvent(\"var\")", diagnostic.GetMessage());
        Assert.Contains("lambda or a method group", diagnostic.GetMessage());
    }

    [Fact]
    public void FC1002_an_event_or_result_type_without_a_json_contract_is_a_warning_that_says_how_to_add_one()
    {
        var result = GeneratorHarness.Run(App("""app.MapEvent("unlisted", (Unlisted u) => new Unlisted(u.Item));"""));
        Assert.Equal(["FC1002", "FC1002"], result.GeneratorDiagnostics.Select(d => d.Id));
        Assert.All(result.GeneratorDiagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        var message = result.GeneratorDiagnostics[0].GetMessage();
        Assert.Contains("Unlisted is the event of event handler 'unlisted'", message);
        Assert.Contains("[JsonSerializable(typeof(Unlisted))]", message);
        Assert.Contains("ConfigureEventJsonOptions", message);
        Assert.Contains("result", result.GeneratorDiagnostics[1].GetMessage());
        Assert.NotNull(result.Generated); // a warning: the binding is still generated (the run-time check names the type)
    }

    [Theory]
    [InlineData("(Order o, ref int count) => o.Item", "ref, out, in, params and optional")]
    [InlineData("(Order o, int retries = 3) => o.Item", "ref, out, in, params and optional")]
    public void FC1003_parameters_that_cannot_be_bound(string lambda, string reason)
    {
        var result = GeneratorHarness.Run(App($"""app.MapEvent("bad", {lambda});""", "delegate string RefHandler(Order o, ref int count);"));
        var diagnostic = Assert.Single(result.GeneratorDiagnostics, d => d.Id == "FC1003");
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("of event handler 'bad'", diagnostic.GetMessage());
        Assert.Contains(reason, diagnostic.GetMessage());
        Assert.Null(result.Generated);
    }

    [Theory]
    [InlineData("(Order o) => (object)o.Item", "object")]
    [InlineData("(Order o) => Task.FromResult((object)o)", "System.Threading.Tasks.Task<object>")]
    [InlineData("(Order o) => Task.FromResult(Task.CompletedTask)", "System.Threading.Tasks.Task<System.Threading.Tasks.Task>")]
    public void FC1004_results_that_cannot_be_written(string lambda, string type)
    {
        var diagnostic = Single($"""app.MapEvent("bad-result", {lambda});""");
        Assert.Equal("FC1004", diagnostic.Id);
        Assert.Contains($"'bad-result' returns {type}", diagnostic.GetMessage());
    }

    [Fact]
    public void FC1005_a_class_handler_must_implement_the_interface_once()
    {
        var diagnostic = Single("""app.MapEvent<NotAHandler>("class");""", "public sealed class NotAHandler;");
        Assert.Equal("FC1005", diagnostic.Id);
        Assert.Contains("NotAHandler is mapped as event handler 'class'", diagnostic.GetMessage());
        Assert.Contains("0 times", diagnostic.GetMessage());
    }

    [Fact]
    public void FC1006_a_class_handler_needs_one_public_constructor()
    {
        var diagnostic = Single("""app.MapEvent<TwoWays>("class");""", """
            public sealed class TwoWays : IEventHandler<Order, Order>
            {
                public TwoWays() { }
                public TwoWays(IFcContext context) { }
                public ValueTask<Order> HandleAsync(Order input, IFcContext context, CancellationToken token) => new(input);
            }
            """);
        Assert.Equal("FC1006", diagnostic.Id);
        Assert.Contains("exactly one public constructor", diagnostic.GetMessage());
    }

    [Fact]
    public void Calls_of_the_old_shapes_and_of_other_MapEvent_methods_are_left_alone()
    {
        var result = GeneratorHarness.Run(App("""
            app.MapEvent("old", (Stream input, IFcContext context) => input);
            app.MapEvent<Order, Order>("old-typed", (o, c) => o, AppJson.Default);
            """));
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Null(result.Generated);
    }
}
