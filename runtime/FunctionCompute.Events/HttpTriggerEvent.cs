using System.Text;
using System.Text.Json.Serialization;

namespace FunctionCompute.Events;

// Shape: "Use an HTTP trigger to invoke a function" (built-in runtimes / event functions), request and response structs:
//   https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/http-trigger-invoking-function
// A custom runtime's *web* function gets the HTTP request itself instead; this shape is for event handlers
// that an HTTP trigger invokes with the request as a JSON event.

/// <summary>An HTTP request delivered to an event function as JSON (payload format <c>v1</c>).</summary>
public sealed record HttpTriggerEvent
{
    /// <summary>The payload format version (<c>v1</c>).</summary>
    public string? Version { get; init; }
    /// <summary>The request path, e.g. <c>/example</c>.</summary>
    public string? RawPath { get; init; }
    /// <summary>The request headers; repeated headers arrive as one comma-separated value.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
    /// <summary>The query parameters; repeated parameters arrive as one comma-separated value.</summary>
    public IReadOnlyDictionary<string, string>? QueryParameters { get; init; }
    /// <summary>The body: text, or base64 when <see cref="IsBase64Encoded"/> (binary content). See <see cref="GetBodyBytes"/>.</summary>
    public string? Body { get; init; }
    /// <summary>Whether <see cref="Body"/> is base64.</summary>
    public bool IsBase64Encoded { get; init; }
    /// <summary>Facts about the request: account, domain, method, source IP, time.</summary>
    public HttpTriggerRequestContext? RequestContext { get; init; }

    /// <summary>The body's bytes, decoding base64 when <see cref="IsBase64Encoded"/> (empty when there is no body).</summary>
    /// <exception cref="FormatException">The body is marked base64 but is not.</exception>
    public byte[] GetBodyBytes() => Body is null ? [] : IsBase64Encoded ? Convert.FromBase64String(Body) : Encoding.UTF8.GetBytes(Body);

    /// <summary>The body as UTF-8 text, decoding base64 when <see cref="IsBase64Encoded"/>.</summary>
    public string GetBodyText() => Body is null ? "" : IsBase64Encoded ? Encoding.UTF8.GetString(GetBodyBytes()) : Body;

    /// <summary>A header by name, ignoring case as HTTP does; null when absent.</summary>
    public string? GetHeader(string name)
    {
        if (Headers is null) return null;
        if (Headers.TryGetValue(name, out var value)) return value;
        foreach (var (key, v) in Headers)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return v;
        return null;
    }
}

/// <summary>The <c>requestContext</c> of an <see cref="HttpTriggerEvent"/>.</summary>
public sealed record HttpTriggerRequestContext
{
    /// <summary>The function owner's account id.</summary>
    public string? AccountId { get; init; }
    /// <summary>The trigger's domain, <c>&lt;http-trigger-id&gt;.&lt;region-id&gt;.fcapp.run</c>.</summary>
    public string? DomainName { get; init; }
    /// <summary>The first label of the domain (the trigger id).</summary>
    public string? DomainPrefix { get; init; }
    /// <summary>Method, path, protocol, source IP and user agent.</summary>
    public HttpTriggerHttpInfo? Http { get; init; }
    /// <summary>The invocation's request id.</summary>
    public string? RequestId { get; init; }
    /// <summary>When the request arrived, ISO 8601 as sent.</summary>
    public string? Time { get; init; }
    /// <summary>When the request arrived, Unix milliseconds, as a string (the docs' sample quotes it).</summary>
    public string? TimeEpoch { get; init; }

    /// <summary><see cref="TimeEpoch"/> as a time, or null.</summary>
    [JsonIgnore]
    public DateTimeOffset? TimeEpochUtc => long.TryParse(TimeEpoch, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}

/// <summary>The <c>requestContext.http</c> of an <see cref="HttpTriggerEvent"/>.</summary>
public sealed record HttpTriggerHttpInfo
{
    /// <summary>The HTTP method, e.g. <c>GET</c>.</summary>
    public string? Method { get; init; }
    /// <summary>The request path.</summary>
    public string? Path { get; init; }
    /// <summary>The protocol, e.g. <c>HTTP/1.1</c>.</summary>
    public string? Protocol { get; init; }
    /// <summary>The client's IP address.</summary>
    public string? SourceIp { get; init; }
    /// <summary>The client's User-Agent.</summary>
    public string? UserAgent { get; init; }
}

/// <summary>What an event function answers an HTTP trigger with: FC maps it to the HTTP response.</summary>
public sealed record HttpTriggerResponse
{
    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; init; } = 200;
    /// <summary>Response headers.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
    /// <summary>Whether <see cref="Body"/> is base64 (binary content).</summary>
    public bool IsBase64Encoded { get; init; }
    /// <summary>The body: text, or base64 when <see cref="IsBase64Encoded"/>.</summary>
    public string? Body { get; init; }

    /// <summary>A text response.</summary>
    public static HttpTriggerResponse Text(string body, int statusCode = 200, string contentType = "text/plain; charset=utf-8") =>
        new() { StatusCode = statusCode, Body = body, Headers = new Dictionary<string, string> { ["Content-Type"] = contentType } };

    /// <summary>A binary response: the bytes go base64 with <see cref="IsBase64Encoded"/> set.</summary>
    public static HttpTriggerResponse Binary(ReadOnlySpan<byte> body, string contentType = "application/octet-stream", int statusCode = 200) =>
        new() { StatusCode = statusCode, Body = Convert.ToBase64String(body), IsBase64Encoded = true, Headers = new Dictionary<string, string> { ["Content-Type"] = contentType } };
}
