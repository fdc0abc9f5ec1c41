using System.Text;
using CsCheck;

namespace PropertyTesting;

/// <summary>
/// Shared by the test projects' property tests (linked into each as Properties/TextGen.cs).
///
/// String generators biased towards the characters that break parsers: controls, non-ASCII letters and
/// digits, astral code points. Strings are always valid UTF-16 (no lone surrogates): headers arrive decoded.
/// </summary>
internal static class TextGen
{
    private static readonly Gen<int> AsciiPrintable = Gen.Int[0x20, 0x7E];
    private static readonly Gen<int> Control = Gen.OneOf(Gen.Int[0x00, 0x1F], Gen.Const(0x7F), Gen.Const(0x85), Gen.Int[0x80, 0x9F]);
    private static readonly Gen<int> Whitespace = Gen.OneOf<int>(' ', '\t', '\u00A0', '\u2003', '\u3000', '\u000B', '\u000C');
    // Digits .NET does not parse as numbers: Arabic-Indic, fullwidth, Devanagari.
    private static readonly Gen<int> ForeignDigit = Gen.OneOf(Gen.Int[0x0660, 0x0669], Gen.Int[0xFF10, 0xFF19], Gen.Int[0x0966, 0x096F]);
    private static readonly Gen<int> Bmp = Gen.Int[0xA0, 0xFFFD].Where(cp => cp is < 0xD800 or > 0xDFFF);
    private static readonly Gen<int> Astral = Gen.Int[0x10000, 0x10FFFF];

    /// <summary>One code point from any of the classes above, printable ASCII most often.</summary>
    public static readonly Gen<int> CodePoint = Gen.Frequency(
        (6, AsciiPrintable), (2, Control), (1, Whitespace), (1, ForeignDigit), (2, Bmp), (1, Astral));

    /// <summary>Any text of 0–<paramref name="maxLength"/> code points.</summary>
    public static Gen<string> Text(int maxLength) => CodePoint.Array[0, maxLength].Select(FromCodePoints);

    /// <summary>
    /// Text an XML 1.0 document can carry: no controls but tab and line feed (carriage returns are normalised
    /// away by XML parsers, so they cannot round-trip either).
    /// </summary>
    public static Gen<string> XmlText(int maxLength) =>
        CodePoint.Where(cp => cp is '\t' or '\n' || (cp >= 0x20 && cp != 0x7F && cp is < 0x80 or > 0x9F)).Array[0, maxLength].Select(FromCodePoints);

    /// <summary>Any bytes, sometimes valid UTF-8 text, sometimes not.</summary>
    public static readonly Gen<byte[]> Bytes = Gen.Frequency(
        (1, Gen.Byte.Array[0, 300]),
        (1, Text(100).Select(System.Text.Encoding.UTF8.GetBytes)));

    public static string FromCodePoints(int[] codePoints)
    {
        var sb = new StringBuilder(codePoints.Length);
        foreach (var cp in codePoints) sb.Append(char.ConvertFromUtf32(cp));
        return sb.ToString();
    }

    /// <summary>
    /// A value long and random enough that finding it in some output can only mean it was copied there:
    /// a marker prefix, then 16–40 characters including non-ASCII, but no whitespace or controls at the ends
    /// (the parser trims, so what it stores is exactly this).
    /// </summary>
    public static Gen<string> Distinctive(string marker) =>
        Gen.Frequency((8, AsciiPrintable), (1, Bmp), (1, Astral))
            .Array[16, 40]
            .Select(cps => marker + FromCodePoints(cps) + "Z");
}
