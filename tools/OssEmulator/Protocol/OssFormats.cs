using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace FunctionCompute.OssEmulator.Protocol;

internal static class OssFormats
{
    /// <summary>ISO-8601 UTC with milliseconds, as in listings and error documents.</summary>
    public static string IsoTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>RFC 1123 GMT (<c>Date</c>, <c>Last-Modified</c>).</summary>
    public static string HttpDate(DateTimeOffset t) => t.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    public static string Decimal(ulong v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Serializes an XML document (declaration + root) as UTF-8 without BOM.</summary>
    public static byte[] XmlBytes(XElement root)
    {
        using var ms = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false };
        using (var writer = XmlWriter.Create(ms, settings))
        {
            new XDocument(root).Save(writer);
        }

        return ms.ToArray();
    }

    /// <summary>Reader settings for untrusted request bodies: no DTDs, no external resolution.</summary>
    public static readonly XmlReaderSettings SafeReader = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>Quoted uppercase hex, OSS's ETag form.</summary>
    public static string ETag(ReadOnlySpan<byte> md5) => "\"" + Convert.ToHexString(md5) + "\"";

    /// <summary>ETags compare without quotes, case-insensitively.</summary>
    public static bool SameETag(string? a, string? b) =>
        a is not null && b is not null && string.Equals(a.Trim().Trim('"'), b.Trim().Trim('"'), StringComparison.OrdinalIgnoreCase);
}

/// <summary>Orders keys as OSS lists them: by UTF-8 bytes, i.e. by code point (not by UTF-16 unit).</summary>
internal sealed class Utf8KeyComparer : IComparer<string>
{
    public static readonly Utf8KeyComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            System.Text.Rune.DecodeFromUtf16(x.AsSpan(i), out var rx, out var nx);
            System.Text.Rune.DecodeFromUtf16(y.AsSpan(j), out var ry, out var ny);
            if (rx.Value != ry.Value) return rx.Value < ry.Value ? -1 : 1;
            i += Math.Max(nx, 1);
            j += Math.Max(ny, 1);
        }

        bool xDone = i >= x.Length, yDone = j >= y.Length;
        return xDone && yDone ? 0 : xDone ? -1 : 1;
    }
}
