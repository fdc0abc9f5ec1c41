using System.Net;
using System.Text.RegularExpressions;

namespace FunctionCompute.Credentials.Sts;

/// <summary>
/// STS answered with an error (or not at all in a usable way). The message holds the code, the server's
/// message, the request id and the HTTP status; a security token the server may echo (in the string to
/// sign of <c>SignatureDoesNotMatch</c>) is masked.
/// </summary>
public sealed partial class StsException : Exception
{
    /// <summary>The prefix of a <c>SignatureDoesNotMatch</c> message before the server's string to sign.</summary>
    public const string ServerStringToSignPrefix = "server string to sign is:";

    /// <summary>Creates the exception; <paramref name="message"/> is redacted of security tokens.</summary>
    public StsException(string code, string? message, string? requestId, string? hostId, string? recommend, HttpStatusCode statusCode, Exception? innerException = null)
        : base(Describe(code, Redact(message), requestId, statusCode), innerException)
    {
        Code = code;
        ErrorMessage = Redact(message);
        RequestId = requestId;
        HostId = hostId;
        Recommend = recommend;
        StatusCode = statusCode;
    }

    /// <summary>The error code, e.g. <c>SignatureDoesNotMatch</c>, <c>NoPermission</c>, <c>InvalidParameter.RoleSessionName</c>.</summary>
    public string Code { get; }

    /// <summary>The server's message (redacted).</summary>
    public string? ErrorMessage { get; }

    /// <summary>The STS request id, for support tickets.</summary>
    public string? RequestId { get; }

    /// <summary>The host that answered, e.g. <c>sts.aliyuncs.com</c>.</summary>
    public string? HostId { get; }

    /// <summary>The troubleshooting link, when STS gives one.</summary>
    public string? Recommend { get; }

    /// <summary>The HTTP status of the answer (0 when no answer arrived).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>For <c>SignatureDoesNotMatch</c>: the string to sign the server computed (redacted), to compare with the local one.</summary>
    public string? ServerStringToSign => ErrorMessage is { } m && m.IndexOf(ServerStringToSignPrefix, StringComparison.Ordinal) is var i and >= 0
        ? m[(i + ServerStringToSignPrefix.Length)..]
        : null;

    /// <summary>True when retrying may help: throttling, 5xx, or no answer at all.</summary>
    public bool IsRetryable => Code.StartsWith("Throttling", StringComparison.Ordinal) || (int)StatusCode >= 500 || StatusCode == 0;

    private static string Describe(string code, string? message, string? requestId, HttpStatusCode status) =>
        $"STS error {code} (HTTP {(int)status}){(string.IsNullOrEmpty(message) ? "" : ": " + message)}{(string.IsNullOrEmpty(requestId) ? "" : $" [RequestId {requestId}]")}";

    /// <summary>Masks <c>SecurityToken</c> / <c>OIDCToken</c> values (plain or percent-encoded once or twice) in a server message.</summary>
    internal static string? Redact(string? message) => message is null ? null : TokenPattern().Replace(message, "$1***");

    // SecurityToken=..., SecurityToken%3D..., SecurityToken%253D... up to the next separator (&, %26, %2526, quote, blank).
    [GeneratedRegex(@"((?:SecurityToken|OIDCToken|AccessKeySecret)(?:=|%3D|%253D))(?:(?!&|%26|%2526)[^\s""'])+")]
    private static partial Regex TokenPattern();
}
