using System.Text.Json;
using FunctionCompute.Credentials;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Logging;

namespace FunctionCompute.Runtime.Invocation;

/// <summary>How a failure becomes FC's error JSON: which failures are the runtime's verdicts, what a timeout is, and masking.</summary>
internal static class ErrorAnswer
{
    /// <summary>The HTTP status of a failed event invocation or hook (FC's function error).</summary>
    public const int NotFound = 404;

    /// <summary>Names what went wrong: a timeout is told apart from a handler's own error and from a vanished caller.</summary>
    public static Exception Classify(Exception exception, FcCall call) =>
        exception is OperationCanceledException && call.DeadlinePassed && call.TimeoutSeconds is > 0 and var seconds
            ? new FunctionTimeoutException(TimeSpan.FromSeconds(seconds), CallLines.What(call.Kind))
            : exception;

    /// <summary>The runtime's own verdicts (bad event, unknown handler, timeout...) point at the caller, not at code.</summary>
    public static bool IsRuntimeVerdict(Exception exception) =>
        exception is InvalidEventException or HandlerNotFoundException or EventTooLargeException or FunctionTimeoutException or MissingCredentialsException;

    /// <summary>The error of a failed invocation: a verdict without frames, any other exception with its frames.</summary>
    public static ErrorResponse ForInvocation(Exception exception) =>
        IsRuntimeVerdict(exception) ? Verdict(exception) : ErrorResponse.FromException(exception);

    /// <summary>An error of the exception's message and type, without frames.</summary>
    public static ErrorResponse Verdict(Exception exception) => new(exception.Message, exception.GetType().Name, []);

    /// <summary>The error's JSON, with the call's access key secret and security token masked in its message and every frame.</summary>
    public static byte[] Serialize(ErrorResponse error, CloudCredentials credentials)
    {
        error = error with
        {
            ErrorMessage = SecretRedactor.Redact(error.ErrorMessage, credentials),
            StackTrace = error.StackTrace.Select(line => SecretRedactor.Redact(line, credentials)).ToArray(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(error, RuntimeJsonContext.Readable.ErrorResponse);
    }
}
