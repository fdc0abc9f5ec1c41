using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using FunctionCompute.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FunctionCompute.Runtime.Generators.Tests;

/// <summary>Compiles C# with the generator as the SDK would (.NET 10, C# latest, interceptors on) and runs the result.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        // The running test's own framework (runtime + ASP.NET Core) and the FunctionCompute libraries beside it.
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        paths.Add(typeof(FunctionAppExtensions).Assembly.Location);
        paths.Add(typeof(FcTestApp).Assembly.Location);
        paths.Add(typeof(FunctionCompute.Credentials.CloudCredentials).Assembly.Location);
        return [.. paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    public sealed record Result(Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, string? Generated)
    {
        /// <summary>The compiler's errors and warnings on the generated program, the generator's own included.</summary>
        public ImmutableArray<Diagnostic> AllDiagnostics =>
            [.. GeneratorDiagnostics, .. Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning)];
    }

    /// <summary>C# as the SDK parses it for a project that lists the generator's namespace in InterceptorsNamespaces.</summary>
    public static CSharpParseOptions ParseOptions { get; } = new CSharpParseOptions(LanguageVersion.Preview)
        .WithFeatures([new("InterceptorsNamespaces", "FunctionCompute.Runtime.Generated")]);

    public static Result Run(string source, string path = "Handlers.cs")
    {
        var options = ParseOptions;
        var tree = CSharpSyntaxTree.ParseText(source, options, path);
        var compilation = CSharpCompilation.Create("HandlersUnderTest", [tree], References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new EventHandlerGenerator().AsSourceGenerator()], parseOptions: options);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var generated = driver.GetRunResult().GeneratedTrees.FirstOrDefault()?.GetText().ToString();
        return new Result(output, diagnostics, generated);
    }

    /// <summary>Emits the compilation and loads it into a collectible context of its own.</summary>
    public static Assembly Load(Compilation compilation)
    {
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;
        return new AssemblyLoadContext("handlers-under-test", isCollectible: true).LoadFromStream(image);
    }

    /// <summary>Calls a static <c>Task&lt;string&gt; RunAsync()</c> of <paramref name="type"/>.</summary>
    public static Task<string> RunAsync(Assembly assembly, string type) =>
        (Task<string>)assembly.GetType(type, throwOnError: true)!.GetMethod("RunAsync")!.Invoke(null, null)!;
}
