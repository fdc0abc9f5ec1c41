using System.Text;

namespace FunctionCompute.Oss.Addressing;

/// <summary>
/// OSS's rules for bucket names and object keys, in one place: the client checks them before it builds a URL, and
/// the emulator (InternalsVisibleTo) answers with OSS's errors by the same rules, so the two cannot drift apart.
/// </summary>
internal static class OssNames
{
    /// <summary>The longest key OSS accepts, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 1023;

    /// <summary>The bucket rule in words, for error messages.</summary>
    public const string BucketRule = "3-63 lowercase letters, digits, hyphens; no leading or trailing hyphen";

    /// <summary>
    /// True for a valid bucket name. The bucket becomes part of a host name (virtual-hosted style) or the first path
    /// segment (path style): these characters cannot change the authority, and no name can be <c>_emulator</c>.
    /// </summary>
    public static bool IsValidBucketName(string? name) =>
        name is { Length: >= 3 and <= 63 } && name[0] != '-' && name[^1] != '-'
        && name.All(static c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    /// <summary>Why <paramref name="key"/> is not a valid object key, or null when it is one.</summary>
    public static string? KeyProblem(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "An OSS object key cannot be empty.";
        }

        if (key[0] is '/' or '\\')
        {
            return "An OSS object key cannot start with '/' or '\\'.";
        }

        return Encoding.UTF8.GetByteCount(key) > MaxKeyBytes ? $"OSS object keys are limited to {MaxKeyBytes} bytes of UTF-8." : null;
    }
}
