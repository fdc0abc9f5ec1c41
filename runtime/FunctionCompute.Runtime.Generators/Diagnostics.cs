using Microsoft.CodeAnalysis;

namespace FunctionCompute.Runtime.Generators;

/// <summary>The generator's diagnostics: FC1xxx, one id per reason a handler cannot be bound.</summary>
internal static class Diagnostics
{
    private const string Category = "FunctionCompute.Handlers";

    public static readonly DiagnosticDescriptor NotALambdaOrMethod = new(
        "FC1001", "Handler must be a lambda or a method",
        "The handler of MapEvent(\"{0}\") must be a lambda or a method group (not a Delegate variable or a generic method) so its parameters can be bound at compile time",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NoJsonContract = new(
        "FC1002", "No JSON contract for an event or result type",
        "{0} is the {1} of event handler '{2}', but no JsonSerializerContext in this compilation or in {3} declares [JsonSerializable(typeof({0}))]: add it to a context and register the context with builder.Services.ConfigureEventJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, MyJson.Default)); if the parameter is a service, mark it [FromServices]",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedParameter = new(
        "FC1003", "Unsupported handler parameter",
        "Parameter '{0}' of event handler '{1}' cannot be bound: {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedResult = new(
        "FC1004", "Unsupported handler result",
        "Event handler '{0}' returns {1}, which cannot be written as an invocation result: return a JSON type, EventResult, Stream, byte[], string or nothing (sync, Task or ValueTask)",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotAnEventHandler = new(
        "FC1005", "Class handler must implement IEventHandler<TEvent, TResult> once",
        "{0} is mapped as event handler '{1}' but implements IEventHandler<TEvent, TResult> {2} times: implement it exactly once",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NoConstructor = new(
        "FC1006", "Class handler needs one public constructor",
        "{0} (event handler '{1}') must be a non-abstract class with exactly one public constructor, whose parameters come from the invocation's services",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
