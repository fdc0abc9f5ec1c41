using FunctionCompute.Credentials;
using FunctionCompute.Credentials.Internal;

namespace FunctionCompute.Runtime.Logging;

/// <summary>Masks an invocation's access key secret and security token wherever they appear in a text.</summary>
internal static class SecretRedactor
{
    /// <summary>The text that replaces a secret.</summary>
    public const string Mask = SecretMask.Mask;

    /// <summary>Returns <paramref name="text"/> with the secret and token of <paramref name="credentials"/> masked.</summary>
    public static string Redact(string text, CloudCredentials? credentials)
    {
        if (credentials is null || credentials.IsEmpty || string.IsNullOrEmpty(text)) return text;
        return Redact(text, [credentials.AccessKeySecret, credentials.SecurityToken]);
    }

    /// <summary>
    /// Returns <paramref name="text"/> with every occurrence of every value masked, each run of covered characters once:
    /// a token that contains the secret (or overlapping values) is never left half-masked.
    /// </summary>
    public static string Redact(string text, params ReadOnlySpan<string?> values) => SecretMask.Apply(text, values);
}
