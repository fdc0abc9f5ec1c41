using FunctionCompute.Runtime;
using Microsoft.Extensions.Logging;

namespace SampleFunctions;

/// <summary>The event of <c>greet</c>: <c>{"name": "Ada"}</c>.</summary>
public sealed record GreetEvent(string? Name);

/// <summary>The result of <c>greet</c>.</summary>
public sealed record GreetResult(string Greeting, string RequestId);

/// <summary><c>greet</c>: a typed JSON handler (event and result are records, JSON is source-generated).</summary>
public static class Greet
{
    /// <summary>Greets the named caller; a missing name is a bad event, reported as such.</summary>
    public static GreetResult Handle(GreetEvent input, IFcContext context)
    {
        if (string.IsNullOrWhiteSpace(input.Name)) throw new ArgumentException("The event needs a non-empty \"name\".");
        context.Logger.LogInformation("greeting {Name}", input.Name);
        return new GreetResult($"Hello, {input.Name}!", context.RequestId);
    }
}
