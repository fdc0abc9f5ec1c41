using System.Buffers;

namespace FunctionCompute.Runtime.Logging;

/// <summary>
/// Makes text safe to put inside one log line. FC collects stdout line by line and splits an instance's log into
/// invocations by its marker lines, so a line break inside a logged value (an event field, a header, an exception
/// message) would start a new record that the value's sender wrote: a forged <c>FC Invoke End RequestId: ...</c>
/// line, or a fake user line with someone else's request id. Escaped here: every C0 control (CR, LF, TAB, ESC...),
/// DEL, and the Unicode line breaks NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029), as
/// <c>\n</c>, <c>\r</c>, <c>\t</c> and <c>\u001b</c>-style escapes. A backslash is left as it is: the escape is for
/// reading, not for decoding back, and doubling every backslash would garble Windows paths and regexes in messages.
/// </summary>
internal static class LogText
{
    private static readonly SearchValues<char> Unsafe = SearchValues.Create(UnsafeChars());

    /// <summary>
    /// Returns <paramref name="text"/> itself when it holds nothing to escape (the common case costs one vectorized
    /// scan and no allocation), else a copy with each control character escaped.
    /// </summary>
    public static string Escape(string text)
    {
        var first = text.AsSpan().IndexOfAny(Unsafe);
        return first < 0 ? text : EscapeFrom(text, first);
    }

    private static string EscapeFrom(string text, int first)
    {
        var builder = new System.Text.StringBuilder(text.Length + 16);
        var rest = text.AsSpan();
        for (var next = first; next >= 0; next = rest.IndexOfAny(Unsafe))
        {
            builder.Append(rest[..next]);
            AppendEscaped(builder, rest[next]);
            rest = rest[(next + 1)..];
        }
        return builder.Append(rest).ToString();
    }

    private static void AppendEscaped(System.Text.StringBuilder builder, char c)
    {
        switch (c)
        {
            case '\n': builder.Append(@"\n"); break;
            case '\r': builder.Append(@"\r"); break;
            case '\t': builder.Append(@"\t"); break;
            default:
                const string hex = "0123456789abcdef";
                builder.Append(@"\u").Append(hex[c >> 12]).Append(hex[(c >> 8) & 0xF]).Append(hex[(c >> 4) & 0xF]).Append(hex[c & 0xF]);
                break;
        }
    }

    private static string UnsafeChars()
    {
        var chars = new char[0x20 + 4];
        for (var c = 0; c < 0x20; c++) chars[c] = (char)c;
        chars[0x20] = '\u007f';
        chars[0x21] = '\u0085';
        chars[0x22] = '\u2028';
        chars[0x23] = '\u2029';
        return new string(chars);
    }
}
