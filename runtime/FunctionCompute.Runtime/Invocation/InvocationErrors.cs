namespace FunctionCompute.Runtime;

/// <summary>The invocation named an event handler the app does not have.</summary>
public sealed class HandlerNotFoundException(string message) : Exception(message);

/// <summary>The event could not be read as the handler's event type (bad JSON, empty body).</summary>
public sealed class InvalidEventException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The event was larger than the runtime accepts.</summary>
public sealed class EventTooLargeException(long limitBytes)
    : Exception($"The event is larger than the {limitBytes} bytes ({limitBytes / (1024 * 1024)} MB) a synchronous invocation may carry.")
{
    /// <summary>The limit that was exceeded, in bytes.</summary>
    public long LimitBytes { get; } = limitBytes;
}

/// <summary>The handler did not finish within the function's timeout.</summary>
public sealed class FunctionTimeoutException(TimeSpan timeout, string what = "The function")
    : Exception($"{what} did not finish within its timeout of {timeout.TotalSeconds:0.###} s.")
{
    /// <summary>The timeout that ran out.</summary>
    public TimeSpan Timeout { get; } = timeout;
}

/// <summary>The handler needs credentials, but the invocation has none: the function has no role.</summary>
public sealed class MissingCredentialsException(string? message = null)
    : Exception(message ?? "The invocation has no credentials: give the function a role (role in s.yaml) so FC passes STS credentials with each call.");
