using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionCompute.Runtime.Contract;

/// <summary>
/// The body of a failed invocation, in the shape FC's official runtimes use:
/// <c>{"errorMessage": "...", "errorType": "...", "stackTrace": [...]}</c>.
/// </summary>
public sealed record ErrorResponse(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorType")] string ErrorType,
    [property: JsonPropertyName("stackTrace")] IReadOnlyList<string> StackTrace)
{
    /// <summary>Builds the error body of an exception: its message, its type's name and its stack frames.</summary>
    public static ErrorResponse FromException(Exception exception)
    {
        var frames = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (!ReferenceEquals(e, exception)) frames.Add($"--- inner {e.GetType().Name}: {e.Message}");
            if (e.StackTrace is { } trace)
            {
                foreach (var line in trace.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    frames.Add(line);
            }
        }
        return new ErrorResponse(exception.Message, exception.GetType().Name, frames);
    }
}

/// <summary>Source-generated JSON for the runtime's own payloads (no reflection, AOT safe).</summary>
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Writes messages as people read them (<c>'</c> rather than <c>\u0027</c>). Still valid JSON:
    /// these bodies go to FC and its callers, never into an HTML page.
    /// </summary>
    public static RuntimeJsonContext Readable { get; } = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
