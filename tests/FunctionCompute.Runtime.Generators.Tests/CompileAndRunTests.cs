namespace FunctionCompute.Runtime.Generators.Tests;

/// <summary>
/// Compiles an app with the generator, loads it and invokes its handlers through the runtime's own pipeline (the test kit):
/// the generated bindings do what the handler asked for.
/// </summary>
public class CompileAndRunTests
{
    private const string Source = """"
        using System;
        using System.IO;
        using System.Text.Json.Serialization.Metadata;
        using System.Threading;
        using System.Threading.Tasks;
        using FunctionCompute.Runtime;
        using FunctionCompute.Testing;
        using Microsoft.Extensions.DependencyInjection;

        namespace Compiled;

        public sealed record Greeting(string Name);
        public sealed class Greeter(IFcContext context) { public string Greet(string name) => $"Hello, {name} ({context.RequestId})"; }
        public sealed class Counter { public int Calls; }

        public sealed class ShoutHandler(Greeter greeter, Counter counter) : IEventHandler<Greeting, string>
        {
            public ValueTask<string> HandleAsync(Greeting input, IFcContext context, CancellationToken cancellationToken) =>
                new(greeter.Greet(input.Name).ToUpperInvariant() + " #" + Interlocked.Increment(ref counter.Calls));
        }

        public static class Program
        {
            public static async Task<string> RunAsync()
            {
                await using var fc = FcTestApp.Create(configure =>
                {
                    var builder = FunctionApp.CreateBuilder([], configure);
                    builder.Services.AddScoped<Greeter>();
                    builder.Services.AddSingleton<Counter>();
                    // The test process is not trimmed: reflection-based contracts stand in for a source-generated context.
                    builder.Services.ConfigureEventJsonOptions(o => o.SerializerOptions.TypeInfoResolver = new DefaultJsonTypeInfoResolver());
                    var app = builder.Build();
        #pragma warning disable FC1002
                    app.MapEvent("greet", async (Greeting greeting, Greeter greeter, CancellationToken token) =>
                    {
                        await Task.Yield();
                        return greeter.Greet(greeting.Name);
                    });
                    app.MapEvent<ShoutHandler>("shout").AddFilter(async (context, next) =>
                    {
                        var result = await next(context);
                        return EventResult.FromText("[" + System.Text.Encoding.UTF8.GetString(result.Bytes.Span) + "]");
                    });
        #pragma warning restore FC1002
                    app.MapEvent("length", (Stream input) => input.Length.ToString());
                    return app;
                });
                var greet = await fc.InvokeAsync("greet", """{"name":"Ada"}"""u8.ToArray(), new FcContextBuilder().WithRequestId("r-1"));
                var shout = await fc.InvokeAsync("shout", """{"name":"Bob"}"""u8.ToArray(), new FcContextBuilder().WithRequestId("r-2"));
                var length = await fc.InvokeAsync("length", new byte[42]);
                return string.Join("|", greet.Text, shout.Text, length.Text);
            }
        }
        """";

    [Fact]
    public async Task A_compiled_app_binds_its_handlers_and_runs_them()
    {
        var result = GeneratorHarness.Run(Source);
        // The driver reports the generator's diagnostics before #pragma applies (a build honours it): only the expected FC1002s.
        Assert.Equal(["FC1002", "FC1002"], result.GeneratorDiagnostics.Select(d => d.Id));
        var compiled = result.Output.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).ToList();
        Assert.True(compiled.Count == 0, string.Join("\n", compiled));
        var assembly = GeneratorHarness.Load(result.Output);

        var output = await GeneratorHarness.RunAsync(assembly, "Compiled.Program");

        Assert.Equal("Hello, Ada (r-1)|[HELLO, BOB (R-2) #1]|42", output);
    }
}
