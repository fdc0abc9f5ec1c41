namespace FunctionCompute.Credentials.Internal;

/// <summary>
/// Masks secrets (an access key secret, a security token) in text that is about to be logged or put in an error:
/// the runtime's log and error redaction and the OSS client's error parsing share it through InternalsVisibleTo.
/// </summary>
internal static class SecretMask
{
    /// <summary>The text that replaces a secret.</summary>
    public const string Mask = "***";

    /// <summary>Every (ordinal) occurrence of <paramref name="secret"/> in <paramref name="text"/> replaced by <see cref="Mask"/>; an empty secret changes nothing.</summary>
    public static string Apply(string text, string? secret) =>
        !string.IsNullOrEmpty(secret) && text.Contains(secret, StringComparison.Ordinal) ? text.Replace(secret, Mask, StringComparison.Ordinal) : text;
}
