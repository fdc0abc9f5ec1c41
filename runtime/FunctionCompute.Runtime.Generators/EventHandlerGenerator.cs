using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FunctionCompute.Runtime.Generators;

/// <summary>
/// Binds event handlers at compile time, as ASP.NET Core's Request Delegate Generator binds minimal API endpoints: every
/// <c>app.MapEvent("name", handler)</c> and <c>app.MapEvent&lt;THandler&gt;("name")</c> call is intercepted
/// (<c>[InterceptsLocation]</c>) by a method written here that reads the event, resolves the handler's parameters from the
/// invocation (context, cancellation, its DI scope) and writes its result. No reflection runs at run time.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class EventHandlerGenerator : IIncrementalGenerator
{
    private const string Extensions = "FunctionCompute.Runtime.FunctionAppExtensions";

    /// <summary>The name of the pipeline step whose outputs are the call sites (tests check that unrelated edits leave them cached).</summary>
    internal const string CallSitesStep = "CallSites";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var sites = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "MapEvent" } },
                static (syntax, token) => Read(syntax, token))
            .Where(static site => site is not null)
            .Select(static (site, _) => site!)
            .WithTrackingName(CallSitesStep);
        context.RegisterSourceOutput(sites.Collect(), static (output, all) => Emit(output, all));
    }

    private static CallSite? Read(GeneratorSyntaxContext syntax, CancellationToken token)
    {
        var invocation = (InvocationExpressionSyntax)syntax.Node;
        var model = syntax.SemanticModel;
        if (model.GetSymbolInfo(invocation, token).Symbol is not IMethodSymbol method) return null;
        var definition = method.ReducedFrom ?? method;
        if (definition.Name != "MapEvent" || definition.ContainingType?.ToDisplayString() != Extensions) return null;
        var isDelegate = definition.Parameters.Length == 3 && definition.Parameters[2].Type.ToDisplayString() == "System.Delegate";
        var isClass = definition.IsGenericMethod && definition.Parameters.Length == 2;
        if (!isDelegate && !isClass) return null;

        var location = model.GetInterceptableLocation(invocation, token);
        if (location is null) return null;
        var arguments = invocation.ArgumentList.Arguments;
        var first = method.ReducedFrom is null ? 1 : 0;
        if (arguments.Count <= first) return null;
        var nameExpression = arguments[first].Expression;
        var handlerName = model.GetConstantValue(nameExpression, token).Value as string ?? nameExpression.ToString();
        var span = invocation.GetLocation().GetLineSpan();
        var sortKey = $"{span.Path}:{span.StartLinePosition.Line:D6}:{span.StartLinePosition.Character:D4}";
        var where = $"{System.IO.Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})";

        var problems = new ProblemList(invocation.GetLocation());
        var binder = new HandlerBinder(model.Compilation, handlerName, problems);
        string? body;
        string signature;
        if (isDelegate)
        {
            signature = "(this global::Microsoft.AspNetCore.Builder.WebApplication app, string name, global::System.Delegate handler)";
            body = arguments.Count > first + 1 ? BindDelegate(arguments[first + 1].Expression, model, binder, problems, handlerName, token) : null;
        }
        else
        {
            signature = "<THandler>(this global::Microsoft.AspNetCore.Builder.WebApplication app, string name) where THandler : class";
            body = BindClass(method.TypeArguments[0], binder, problems, handlerName);
        }
        return new CallSite(sortKey, where, location.GetInterceptsLocationAttributeSyntax(), signature, body ?? "", problems.Items.ToArray());
    }

    private static string? BindDelegate(ExpressionSyntax expression, SemanticModel model, HandlerBinder binder, ProblemList problems, string handlerName, CancellationToken token)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized) expression = parenthesized.Expression;
        var info = model.GetSymbolInfo(expression, token);
        var symbol = info.Symbol ?? (info.CandidateSymbols.Length == 1 ? info.CandidateSymbols[0] : null);
        var isFunction = expression is AnonymousFunctionExpressionSyntax;
        if (symbol is not IMethodSymbol handler || (!isFunction && (handler.MethodKind != MethodKind.Ordinary || handler.IsGenericMethod)))
        {
            problems.Add(Diagnostics.NotALambdaOrMethod, handlerName);
            return null;
        }
        if (handler.Parameters.Length > 16)
        {
            problems.Add(Diagnostics.UnsupportedParameter, handler.Parameters[16].Name, handlerName, "a handler takes at most 16 parameters");
            return null;
        }
        var arguments = binder.BindParameters(handler.Parameters, eventAllowed: true);
        var types = handler.Parameters.Select(p => HandlerBinder.Name(p.Type)).ToList();
        string delegateType;
        if (handler.ReturnsVoid) delegateType = types.Count == 0 ? "global::System.Action" : $"global::System.Action<{string.Join(", ", types)}>";
        else delegateType = $"global::System.Func<{string.Join(", ", types.Concat([HandlerBinder.Name(handler.ReturnType)]))}>";
        var call = $"typed({string.Join(", ", arguments)})";
        var result = binder.WriteResult(handler.ReturnsVoid ? null : handler.ReturnType, call);
        if (result is null) return null;
        return $"var typed = ({delegateType})handler;\n            {binder.WriteMapping(result, isStatic: false)}";
    }

    private static string? BindClass(ITypeSymbol type, HandlerBinder binder, ProblemList problems, string handlerName)
    {
        var display = type.ToDisplayString();
        var interfaces = type.AllInterfaces.Where(i => i.OriginalDefinition.ToDisplayString() == "FunctionCompute.Runtime.IEventHandler<TEvent, TResult>").ToList();
        if (interfaces.Count != 1)
        {
            problems.Add(Diagnostics.NotAnEventHandler, display, handlerName, interfaces.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return null;
        }
        var constructors = type is INamedTypeSymbol named ? named.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public).ToList() : [];
        if (type.IsAbstract || type.TypeKind != TypeKind.Class || constructors.Count != 1)
        {
            problems.Add(Diagnostics.NoConstructor, display, handlerName);
            return null;
        }
        var contract = interfaces[0];
        var eventType = contract.TypeArguments[0];
        var constructorArguments = binder.BindParameters(constructors[0].Parameters, eventAllowed: false);
        // The event is bound as a handler's first parameter would be: a Stream stays raw, anything else is JSON.
        var eventArgument = binder.BindEvent(eventType);
        var construct = $"new {HandlerBinder.Name(type)}({string.Join(", ", constructorArguments)})";
        // A disposable handler is the invocation's: disposed with its scope after the answer, as a scoped service is.
        var disposable = type.AllInterfaces.Any(i => i.ToDisplayString() is "System.IDisposable" or "System.IAsyncDisposable");
        if (disposable) construct = $"global::FunctionCompute.Runtime.GeneratedEventHandlers.Owned(context, {construct})";
        var call = $"(({HandlerBinder.Name(contract)}){construct}).HandleAsync({eventArgument}, context.Context, context.CancellationToken)";
        var valueTask = contract.GetMembers("HandleAsync").OfType<IMethodSymbol>().First().ReturnType;
        var result = binder.WriteResult(valueTask, call);
        return result is null ? null : binder.WriteMapping(result, isStatic: true);
    }

    private static void Emit(SourceProductionContext output, ImmutableArray<CallSite> sites)
    {
        var ordered = sites.OrderBy(s => s.SortKey, System.StringComparer.Ordinal).ToList();
        foreach (var site in ordered)
        {
            foreach (var problem in site.Problems) output.ReportDiagnostic(problem.ToDiagnostic());
        }
        var emitted = ordered.Where(s => !s.HasErrors && s.Body.Length > 0).ToList();
        if (emitted.Count == 0) return;
        var code = new StringBuilder();
        code.Append("""
            // <auto-generated/> by FunctionCompute.Runtime.Generators: the bindings of this app's MapEvent calls.
            #nullable enable
            #pragma warning disable CS8600, CS8601, CS8602, CS8603, CS8604, CS8619, CS8620, CS8621, CS8625

            namespace System.Runtime.CompilerServices
            {
                [global::System.AttributeUsage(global::System.AttributeTargets.Method, AllowMultiple = true)]
                file sealed class InterceptsLocationAttribute : global::System.Attribute
                {
                    public InterceptsLocationAttribute(int version, string data) { }
                }
            }

            namespace FunctionCompute.Runtime.Generated
            {
                file static class EventHandlerInterceptors
                {

            """);
        for (var i = 0; i < emitted.Count; i++)
        {
            var site = emitted[i];
            code.Append("        // MapEvent at ").Append(site.Where).Append('\n');
            code.Append("        ").Append(site.Attribute).Append('\n');
            code.Append("        internal static global::FunctionCompute.Runtime.EventHandlerMapping MapEvent").Append(i).Append(site.Signature).Append('\n');
            code.Append("        {\n            ").Append(site.Body).Append("\n        }\n");
            if (i < emitted.Count - 1) code.Append('\n');
        }
        code.Append("    }\n}\n");
        output.AddSource("EventHandlerInterceptors.g.cs", code.ToString());
    }
}
