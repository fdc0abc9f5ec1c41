namespace FunctionCompute.Credentials.Internal;

/// <summary>Shortens text for a message or a log line (shared through InternalsVisibleTo by the libraries that print what they were sent).</summary>
internal static class TextCut
{
    /// <summary>What a cut text ends with.</summary>
    public const string Ellipsis = "…";

    /// <summary>
    /// <paramref name="text"/> when it has at most <paramref name="maxLength"/> chars, else its first <paramref name="maxLength"/>
    /// followed by <see cref="Ellipsis"/>, one char fewer when the cut would split a surrogate pair: half a pair is
    /// not text a log or a message can carry (UTF-8 writers turn it into U+FFFD or throw).
    /// </summary>
    public static string Truncate(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (text.Length <= maxLength)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        return string.Concat(text.AsSpan(0, cut), Ellipsis);
    }
}
