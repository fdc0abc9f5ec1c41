using Microsoft.CodeAnalysis;

namespace FunctionCompute.Runtime.Generators.Tests;

/// <summary>
/// The generated code for each handler shape, compared with the checked-in file. After an intended change to the output,
/// run the tests with UPDATE_SNAPSHOTS=1 and review the diff of Snapshots/.
/// </summary>
public class SnapshotTests
{
    private const string Source = """
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;
        using System.Text.Json.Serialization;
        using FunctionCompute.Runtime;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.Extensions.Logging;

        namespace Shapes;

        public sealed record Order(string Item, int Quantity);
        public sealed record Receipt(string Item, decimal Total);
        public sealed class Prices { public decimal Of(string item) => 2.5m; }
        public interface IClock { System.DateTimeOffset Now { get; } }

        [JsonSerializable(typeof(Order))]
        [JsonSerializable(typeof(Receipt))]
        // What the generator reads is the attributes; the System.Text.Json generator, which would write the body, is not run here.
        public sealed class ShapesJson() : JsonSerializerContext(null)
        {
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
        }

        public sealed class ReceiptHandler(Prices prices, ILogger<ReceiptHandler> log, IFcContext context) : IEventHandler<Order, Receipt>
        {
            public ValueTask<Receipt> HandleAsync(Order input, IFcContext invocation, CancellationToken cancellationToken)
            {
                log.LogInformation("pricing for {RequestId}", context.RequestId);
                return new(new Receipt(input.Item, prices.Of(input.Item) * input.Quantity));
            }
        }

        public static class Handlers
        {
            public static Receipt Price(Order order, Prices prices) => new(order.Item, prices.Of(order.Item) * order.Quantity);

            public static void Map(WebApplication app)
            {
                app.MapEvent("sync-json", (Order order, IFcContext context, Prices prices, CancellationToken token) => new Receipt(order.Item, prices.Of(order.Item)));
                app.MapEvent("method-group", Price);
                app.MapEvent("async-json", async (Order order, ILogger<Prices> log) => { await Task.Yield(); return new Receipt(order.Item, 1m); });
                app.MapEvent("value-task", (Order order) => new ValueTask<Receipt>(new Receipt(order.Item, 1m)));
                app.MapEvent("raw", (Stream input, IClock clock) => input);
                app.MapEvent("no-event-text", (IFcContext context, ILogger logger) => context.RequestId);
                app.MapEvent("result", ([FromServices] Prices prices, FcInvocationContext invocation) => Task.FromResult(EventResult.Empty));
                app.MapEvent("void-task", async (Order order, CancellationToken token) => await Task.Delay(1, token));
                app.MapEvent("bytes", (Stream input) => new byte[] { 1, 2 });
                app.MapEvent<ReceiptHandler>("class").AddFilter((context, next) => next(context));
            }
        }
        """;

    [Fact]
    public void Generated_bindings_match_the_checked_in_snapshot()
    {
        var result = GeneratorHarness.Run(Source);
        Assert.Empty(result.AllDiagnostics.Where(d => d.Id != "CS8019")); // compiles cleanly, the generated code included
        Assert.NotNull(result.Generated);
        var actual = result.Generated!.ReplaceLineEndings("\n");

        // Read from the source tree, so an update is seen without a rebuild.
        var snapshot = Path.Combine(FindProjectDirectory(), "Snapshots", "Shapes.g.cs");
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(snapshot, actual);
            return;
        }
        Assert.Equal(File.ReadAllText(snapshot).ReplaceLineEndings("\n"), actual);
    }

    [Fact]
    public void The_generator_is_deterministic_and_incremental_runs_give_the_same_output()
    {
        Assert.Equal(GeneratorHarness.Run(Source).Generated, GeneratorHarness.Run(Source).Generated);
    }

    [Fact]
    public void An_edit_elsewhere_leaves_the_bound_call_sites_cached()
    {
        var options = GeneratorHarness.ParseOptions;
        var first = GeneratorHarness.Run(Source);
        Microsoft.CodeAnalysis.GeneratorDriver driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(
            [new EventHandlerGenerator().AsSourceGenerator()], parseOptions: options,
            driverOptions: new Microsoft.CodeAnalysis.GeneratorDriverOptions(Microsoft.CodeAnalysis.IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        var compilation = first.Output.RemoveSyntaxTrees(first.Output.SyntaxTrees.Skip(1));
        driver = driver.RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("namespace Shapes; public static class Unrelated { public static int Answer => 42; }", options, "Unrelated.cs"));
        driver = driver.RunGenerators(edited);

        var steps = driver.GetRunResult().Results.Single().TrackedSteps[EventHandlerGenerator.CallSitesStep];
        Assert.Equal(10, steps.SelectMany(s => s.Outputs).Count());
        Assert.All(steps.SelectMany(s => s.Outputs), output =>
            Assert.True(output.Reason is Microsoft.CodeAnalysis.IncrementalStepRunReason.Cached or Microsoft.CodeAnalysis.IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }

    private static string FindProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FunctionCompute.Runtime.Generators.Tests.csproj"))) return directory.FullName;
        }
        throw new InvalidOperationException("The test project's directory was not found above " + AppContext.BaseDirectory);
    }
}
