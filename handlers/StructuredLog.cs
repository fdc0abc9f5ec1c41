using FunctionCompute.Runtime;
using Microsoft.Extensions.Logging;

namespace SampleFunctions;

/// <summary>The event of <c>structured-log</c>: <c>{"order": "A-1", "items": 3}</c>.</summary>
public sealed record StructuredLogEvent(string? Order, int Items);

/// <summary>The result of <c>structured-log</c>.</summary>
public sealed record StructuredLogResult(string Order, bool Reserved);

/// <summary>
/// <c>structured-log</c>: logs the way an app does, with template values, a scope and a caught exception. With
/// <c>FC_LOG_FORMAT=json</c> each line is one JSON object: the values under <c>properties</c>, the scope's under
/// <c>scope</c>, the exception's type, message and frames under <c>exception</c>.
/// </summary>
public static class StructuredLog
{
    /// <summary>Tries to reserve the order's items (there is never stock) and logs what happened.</summary>
    public static StructuredLogResult Handle(StructuredLogEvent input, IFcContext context)
    {
        var order = input.Order ?? "none";
        using var scope = context.Logger.BeginScope("order {Order}", order);
        context.Logger.LogInformation("reserving {Items} items of order {Order}", input.Items, order);
        try
        {
            Reserve(order, input.Items);
            return new StructuredLogResult(order, true);
        }
        catch (InvalidOperationException exception)
        {
            context.Logger.LogWarning(exception, "order {Order} was not reserved", order);
            return new StructuredLogResult(order, false);
        }
    }

    private static void Reserve(string order, int items) =>
        throw new InvalidOperationException($"no stock for the {items} items of order {order}");
}
