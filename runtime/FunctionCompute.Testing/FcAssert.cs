using System.Text;
using System.Text.Json;
using FunctionCompute.Credentials.Internal;
using FunctionCompute.Runtime.Contract;

namespace FunctionCompute.Testing;

/// <summary>Assertions on FC's contract answers, independent of the test framework (failures throw <see cref="FcAssertionException"/>).</summary>
public static class FcAssert
{
    /// <summary>
    /// Asserts a failed invocation answered as FC's runtimes do: status 404 and <c>{"errorMessage","errorType","stackTrace"}</c>,
    /// with the given error type (the exception's type name) and a message containing <paramref name="messageContains"/>.
    /// </summary>
    public static ErrorResponse IsError(FcInvocationResult result, string? errorType = null, string? messageContains = null)
    {
        if (result.Succeeded) throw new FcAssertionException($"Expected {result.Handler} to fail, but it succeeded with: {Truncate(result.Text)}");
        if (result.StatusCode != 404 && result.StatusCode != 500)
            throw new FcAssertionException($"Expected a 404 (FC's function error) from {result.Handler}, got {result.StatusCode}: {Truncate(result.Text)}");
        return IsErrorJson(result.Body, errorType, messageContains);
    }

    /// <summary>Asserts <paramref name="json"/> is FC's error JSON with the given type and message.</summary>
    public static ErrorResponse IsErrorJson(string json, string? errorType = null, string? messageContains = null) =>
        IsErrorJson(Encoding.UTF8.GetBytes(json), errorType, messageContains);

    /// <summary>Asserts <paramref name="json"/> is FC's error JSON with the given type and message.</summary>
    public static ErrorResponse IsErrorJson(ReadOnlySpan<byte> json, string? errorType = null, string? messageContains = null)
    {
        var error = TryReadError(json) ?? throw new FcAssertionException(
            $"Expected FC's error JSON {{\"errorMessage\",\"errorType\",\"stackTrace\"}}, got: {Truncate(Encoding.UTF8.GetString(json))}");
        if (errorType is not null && error.ErrorType != errorType)
            throw new FcAssertionException($"Expected errorType '{errorType}', got '{error.ErrorType}' ({error.ErrorMessage}).");
        if (messageContains is not null && !error.ErrorMessage.Contains(messageContains, StringComparison.Ordinal))
            throw new FcAssertionException($"Expected errorMessage to contain '{messageContains}', got '{error.ErrorMessage}'.");
        return error;
    }

    /// <summary>Reads FC's error JSON; null when the bytes are not that shape (all three members present, stackTrace an array).</summary>
    public static ErrorResponse? TryReadError(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("errorMessage", out var message) || message.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("errorType", out var type) || type.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("stackTrace", out var stack) || stack.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            return new ErrorResponse(message.GetString()!, type.GetString()!, [.. stack.EnumerateArray().Select(f => f.ToString())]);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Truncate(string text) => TextCut.Truncate(text, 500);
}
