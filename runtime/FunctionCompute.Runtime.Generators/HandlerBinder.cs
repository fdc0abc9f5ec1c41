using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FunctionCompute.Runtime.Generators;

/// <summary>
/// Decides how each parameter of a handler (or of a class handler's constructor) is bound and how its result is written,
/// and writes that as C#: the body of one interceptor.
/// </summary>
internal sealed class HandlerBinder(Compilation compilation, string handlerName, ProblemList problems)
{
    private const string Runtime = "global::FunctionCompute.Runtime";
    private const string Helpers = Runtime + ".GeneratedEventHandlers";
    private const string ValueTaskOfResult = "global::System.Threading.Tasks.ValueTask<" + Runtime + ".EventResult>";

    /// <summary>The event's type, when the handler takes one (null: no event or the raw stream).</summary>
    public ITypeSymbol? EventType { get; private set; }

    /// <summary>Whether the event is the raw <c>Stream</c>.</summary>
    public bool RawEvent { get; private set; }

    /// <summary>The services the handler takes, checked at startup.</summary>
    public List<string> Services { get; } = [];

    /// <summary>The keyed services the handler takes (type and key as C#), each checked at startup like the others.</summary>
    public List<(string Type, string Key)> KeyedServices { get; } = [];

    /// <summary>A JSON result's type (checked before the first call), or null.</summary>
    public ITypeSymbol? JsonResult { get; private set; }

    public static string Name(ITypeSymbol type) => JsonContracts.Key(type);

    /// <summary>
    /// The argument expressions for <paramref name="parameters"/>. The event is the first parameter no other rule claims whose
    /// type is <c>Stream</c> or has a JSON contract the generator can see, else the first parameter no other rule claims;
    /// interfaces and abstract types are services.
    /// </summary>
    public List<string> BindParameters(IReadOnlyList<IParameterSymbol> parameters, bool eventAllowed)
    {
        var candidates = eventAllowed ? parameters.Where(p => IsEventCandidate(p.Type, p.GetAttributes())).ToList() : [];
        var chosen = candidates.FirstOrDefault(p => IsStream(p.Type) || JsonContracts.IsDeclared(p.Type, compilation)) ?? candidates.FirstOrDefault();
        var arguments = new List<string>();
        foreach (var parameter in parameters)
        {
            if (parameter.RefKind != RefKind.None || parameter.IsParams || parameter.HasExplicitDefaultValue)
            {
                problems.Add(Diagnostics.UnsupportedParameter, parameter.Name, handlerName, "ref, out, in, params and optional parameters are not supported");
                arguments.Add("default!");
                continue;
            }
            arguments.Add(SymbolEqualityComparer.Default.Equals(parameter, chosen) ? BindEvent(parameter.Type, parameter.Name) : Bind(parameter.Type, parameter.Name, parameter.GetAttributes()));
        }
        return arguments;
    }

    /// <summary>The argument for an event of <paramref name="type"/>: the raw stream, or the JSON value read before the filters ran.</summary>
    public string BindEvent(ITypeSymbol type, string parameterName = "input")
    {
        if (IsStream(type))
        {
            RawEvent = true;
            return "(global::System.IO.Stream)context.Event!";
        }
        EventType = type;
        if (type.TypeKind == TypeKind.Dynamic || type.SpecialType == SpecialType.System_Object || type.TypeKind == TypeKind.Interface || type.IsAbstract)
            problems.Add(Diagnostics.UnsupportedParameter, parameterName, handlerName, "the event must have a concrete type");
        else CheckContract(type, "event");
        return $"({Name(type)})context.Event!";
    }

    private static bool IsStream(ITypeSymbol type) => type.ToDisplayString() == "System.IO.Stream";

    private static bool IsEventCandidate(ITypeSymbol type, System.Collections.Immutable.ImmutableArray<AttributeData> attributes) =>
        !attributes.Any(a => a.AttributeClass?.Name is "FromServicesAttribute" or "FromKeyedServicesAttribute")
        && Special(Name(type)) is null && !Unbindable(type)
        && (IsStream(type) || (type.TypeKind != TypeKind.Interface && !type.IsAbstract));

    private static string? Special(string name) => name switch
    {
        Runtime + ".IFcContext" => "context.Context",
        Runtime + ".FcInvocationContext" => "context",
        "global::System.Threading.CancellationToken" => "context.CancellationToken",
        "global::System.IServiceProvider" => "context.Services",
        "global::Microsoft.Extensions.Logging.ILogger" => "context.Context.Logger",
        _ => null,
    };

    private static bool Unbindable(ITypeSymbol type) =>
        type.TypeKind is TypeKind.TypeParameter or TypeKind.Pointer or TypeKind.FunctionPointer || type.IsRefLikeType;

    private string Bind(ITypeSymbol type, string parameterName, System.Collections.Immutable.ImmutableArray<AttributeData> attributes)
    {
        var name = Name(type);
        foreach (var attribute in attributes)
        {
            var attributeName = attribute.AttributeClass?.Name;
            if (attributeName == "FromServicesAttribute") return Service(type);
            if (attributeName == "FromKeyedServicesAttribute" && attribute.ConstructorArguments.Length == 1)
            {
                var key = attribute.ConstructorArguments[0].ToCSharpString();
                if (!KeyedServices.Contains((name, key))) KeyedServices.Add((name, key));
                return $"global::Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions.GetRequiredKeyedService<{name}>(context.Services, {key})";
            }
        }
        if (Special(name) is { } special) return special;
        if (Unbindable(type))
        {
            problems.Add(Diagnostics.UnsupportedParameter, parameterName, handlerName, $"{type.ToDisplayString()} is neither an event type nor a service type");
            return "default!";
        }
        return Service(type);
    }

    private string Service(ITypeSymbol type)
    {
        var name = Name(type);
        if (!Services.Contains(name)) Services.Add(name);
        return $"global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<{name}>(context.Services)";
    }

    private void CheckContract(ITypeSymbol type, string role)
    {
        if (!JsonContracts.IsDeclared(type, compilation))
        {
            var assembly = type.ContainingAssembly is { } a && !SymbolEqualityComparer.Default.Equals(a, compilation.Assembly) ? a.Name : "its assembly";
            problems.Add(Diagnostics.NoJsonContract, type.ToDisplayString(), role, handlerName, assembly);
        }
    }

    /// <summary>
    /// The statements that call the handler (<paramref name="call"/>) and answer with its result, or null (and a problem) for a
    /// result type that cannot be written.
    /// </summary>
    public string? WriteResult(ITypeSymbol? returnType, string call)
    {
        if (returnType is null || returnType.SpecialType == SpecialType.System_Void)
            return $"{call};\n                return new {ValueTaskOfResult}({Runtime}.EventResult.Empty);";
        var name = returnType.OriginalDefinition.ToDisplayString();
        if (name is "System.Threading.Tasks.Task" or "System.Threading.Tasks.ValueTask")
            return $"return {Helpers}.Await({call});";
        if (name is "System.Threading.Tasks.Task<TResult>" or "System.Threading.Tasks.ValueTask<TResult>")
        {
            var inner = ((INamedTypeSymbol)returnType).TypeArguments[0];
            return Converter(inner, returnType) is { } converter ? $"return {Helpers}.Await(context, {call}, {converter});" : null;
        }
        return Converter(returnType, returnType) is { } sync ? $"return new {ValueTaskOfResult}({sync}(context, {call}));" : null;
    }

    private string? Converter(ITypeSymbol type, ITypeSymbol returned)
    {
        var name = Name(type);
        if (name == Runtime + ".EventResult") return Helpers + ".Result";
        if (type.SpecialType == SpecialType.System_String) return Helpers + ".Text";
        if (type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte, Rank: 1 }) return Helpers + ".Bytes";
        if (DerivesFrom(type, "System.IO.Stream")) return Helpers + ".Stream";
        var original = type.OriginalDefinition.ToDisplayString();
        if (type.SpecialType == SpecialType.System_Object || type.TypeKind is TypeKind.Dynamic or TypeKind.TypeParameter or TypeKind.Delegate
            || original.StartsWith("System.Threading.Tasks.", System.StringComparison.Ordinal)
            || original == "System.Collections.Generic.IAsyncEnumerable<T>")
        {
            problems.Add(Diagnostics.UnsupportedResult, handlerName, returned.ToDisplayString());
            return null;
        }
        JsonResult = type;
        CheckContract(type, "result");
        return $"{Helpers}.Json<{name}>";
    }

    private static bool DerivesFrom(ITypeSymbol type, string baseName)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.ToDisplayString() == baseName) return true;
        }
        return false;
    }

    /// <summary>The mapping call: <c>MapJson&lt;TEvent&gt;</c> or <c>MapRaw</c>, the binding lambda, the result type and the services.</summary>
    public string WriteMapping(string lambdaBody, bool isStatic)
    {
        var map = EventType is null ? $"{Helpers}.MapRaw" : $"{Helpers}.MapJson<{Name(EventType)}>";
        var result = JsonResult is null ? "null" : $"typeof({Name(JsonResult)})";
        var services = new StringBuilder();
        foreach (var service in Services) services.Append(", typeof(").Append(service).Append(')');
        var mapping = $"{map}(app, name, {(isStatic ? "static " : "")}context =>\n            {{\n                {lambdaBody}\n            }}, {result}{services})";
        // Keyed services are checked at startup too, once the mapping is made (IServiceProviderIsService knows no keys).
        foreach (var (type, key) in KeyedServices) mapping = $"{Helpers}.RequireKeyedService(app, {mapping}, typeof({type}), {key})";
        return $"return {mapping};";
    }
}
