namespace FunctionCompute.Runtime;

/// <summary>How user log lines are written. The contract's marker lines (<c>FC Invoke Start RequestId: ...</c>) are the same in both.</summary>
public enum FcLogFormat
{
    /// <summary>FC's text format, the default: <c>2026-11-23T10:00:00.123Z &lt;request-id&gt; [INFO] message</c>.</summary>
    Text,

    /// <summary>One JSON object per line (time, level, requestId, category, message, properties, scope, exception, traceId, spanId).</summary>
    Json,
}

/// <summary>Reads the log format's names: <c>text</c> and <c>json</c>.</summary>
internal static class FcLogFormats
{
    /// <summary>
    /// The environment variable that selects the format (<c>json</c> or <c>text</c>). An <c>FC_</c> name, shared by every
    /// part of the project (the package, the container, fc-local), so one switch turns JSON logs on everywhere.
    /// </summary>
    public const string Variable = "FC_LOG_FORMAT";

    /// <summary>The configuration key that selects the format when <see cref="Variable"/> is not set (appsettings.json, arguments).</summary>
    public const string ConfigurationKey = "FunctionCompute:LogFormat";

    /// <summary>
    /// <c>text</c> or <c>json</c> (any case, surrounding blanks ignored); null for null or blank text.
    /// Anything else is a start-up error, not a silent fall-back: a typo would otherwise leave the logs in a format
    /// the log store's index was not set up for, noticed only when the queries come back empty.
    /// </summary>
    /// <param name="text">The value.</param>
    /// <param name="source">Where it came from, for the error message (<c>Environment variable FC_LOG_FORMAT</c>).</param>
    /// <exception cref="InvalidOperationException">The value names no format.</exception>
    public static FcLogFormat? Parse(string? text, string source)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var name = text.Trim();
        if (name.Equals("text", StringComparison.OrdinalIgnoreCase)) return FcLogFormat.Text;
        if (name.Equals("json", StringComparison.OrdinalIgnoreCase)) return FcLogFormat.Json;
        throw new InvalidOperationException($"{source} must be 'text' or 'json', but is '{text}'.");
    }
}
