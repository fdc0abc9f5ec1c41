using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FunctionCompute.Runtime.Contract;

namespace FunctionCompute.Testing;

/// <summary>What an invocation answered: the result bytes or FC's error JSON, and the log lines of its request id.</summary>
public sealed class FcInvocationResult
{
    internal FcInvocationResult(string handler, string requestId, int statusCode, byte[] body, string? contentType, IReadOnlyList<FcLogLine> logs)
    {
        Handler = handler;
        RequestId = requestId;
        StatusCode = statusCode;
        Body = body;
        ContentType = contentType;
        Logs = logs;
    }

    /// <summary>The handler invoked (or the call made: <c>/initialize</c>, <c>/pre-stop</c>).</summary>
    public string Handler { get; }
    /// <summary>The invocation's request id.</summary>
    public string RequestId { get; }
    /// <summary>200 on success, 404 on a function error (FC's contract); other codes from a web endpoint.</summary>
    public int StatusCode { get; }
    /// <summary>The answer's bytes: the result, or the error JSON.</summary>
    public byte[] Body { get; }
    /// <summary>The answer's content type.</summary>
    public string? ContentType { get; }
    /// <summary>The log lines of this invocation (its markers and every line logged with its request id).</summary>
    public IReadOnlyList<FcLogLine> Logs { get; }

    /// <summary>
    /// The spans of the invocation's trace, in the order they stopped (the invocation's own last), when the app captures
    /// them (<see cref="FcTestApp.CaptureActivities"/>); empty otherwise.
    /// </summary>
    public IReadOnlyList<System.Diagnostics.Activity> Activities { get; init; } = [];

    /// <summary>Whether the invocation succeeded (200).</summary>
    public bool Succeeded => StatusCode == 200;

    /// <summary>The body as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The body read as JSON of <typeparamref name="T"/>; throws <see cref="FcAssertionException"/> when the invocation failed.</summary>
    public T Json<T>(JsonTypeInfo<T> type)
    {
        EnsureSucceeded();
        return JsonSerializer.Deserialize(Body, type) ?? throw new FcAssertionException($"{Handler} answered JSON null.");
    }

    /// <summary>The error JSON, or null when the invocation succeeded or the body is not FC's error shape.</summary>
    public ErrorResponse? Error => Succeeded ? null : FcAssert.TryReadError(Body);

    /// <summary>Throws <see cref="FcAssertionException"/> (showing the error) unless the invocation succeeded.</summary>
    public FcInvocationResult EnsureSucceeded()
    {
        if (!Succeeded)
            throw new FcAssertionException($"{Handler} failed with {StatusCode} (request {RequestId}): {DescribeError()}");
        return this;
    }

    /// <summary>Asserts that the invocation failed with FC's error JSON (see <see cref="FcAssert.IsError(FcInvocationResult, string?, string?)"/>).</summary>
    public ErrorResponse ShouldFailWith(string? errorType = null, string? messageContains = null) => FcAssert.IsError(this, errorType, messageContains);

    internal string DescribeError() => Error is { } e ? $"{e.ErrorType}: {e.ErrorMessage}" : Text;

    /// <inheritdoc />
    public override string ToString() => $"{Handler} -> {StatusCode} ({Body.Length} bytes, request {RequestId})";
}

/// <summary>An expectation of the test kit was not met.</summary>
public sealed class FcAssertionException(string message) : Exception(message);
