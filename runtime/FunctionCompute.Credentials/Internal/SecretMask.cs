namespace FunctionCompute.Credentials.Internal;

/// <summary>
/// Masks secrets (an access key secret, a security token) in text that is about to be logged or put in an error:
/// the runtime's log and error redaction and the OSS client's error parsing share it through InternalsVisibleTo.
/// </summary>
internal static class SecretMask
{
    /// <summary>The text that replaces a secret.</summary>
    public const string Mask = "***";

    /// <summary>
    /// Returns <paramref name="text"/> with every occurrence of every value masked. Values are not replaced one
    /// after the other: replacing the secret first turned a token that contains it into <c>tok***en</c>, the rest of
    /// the token in plain sight. Every character any occurrence covers (nested, overlapping, or adjacent ones alike)
    /// is found first in the original text; each run of covered characters then becomes one <see cref="Mask"/>.
    /// Null or empty values change nothing.
    /// </summary>
    public static string Apply(string text, params ReadOnlySpan<string?> values)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        bool[]? covered = null;
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            // Step by one, not by the value's length: "aa" in "aaa" covers all three characters.
            for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
            {
                (covered ??= new bool[text.Length]).AsSpan(at, value.Length).Fill(true);
            }
        }

        return covered is null ? text : MaskCovered(text, covered);
    }

    private static string MaskCovered(string text, bool[] covered)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (!covered[i])
            {
                builder.Append(text[i]);
            }
            else if (i == 0 || !covered[i - 1])
            {
                builder.Append(Mask);
            }
        }

        return builder.ToString();
    }
}
