using System.Globalization;

namespace FunctionCompute.Oss;

/// <summary>An HTTP byte range (inclusive ends), e.g. <c>bytes=0-99</c>, <c>bytes=100-</c> or the last n bytes <c>bytes=-n</c>.</summary>
public readonly record struct OssByteRange
{
    private OssByteRange(long? from, long? to)
    {
        From = from;
        To = to;
    }

    /// <summary>First byte offset, or null for a suffix range.</summary>
    public long? From { get; }

    /// <summary>Last byte offset (inclusive), or the suffix length when <see cref="From"/> is null; null means to the end.</summary>
    public long? To { get; }

    /// <summary>Bytes <paramref name="from"/> to <paramref name="to"/>, both inclusive.</summary>
    public static OssByteRange Between(long from, long to)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfLessThan(to, from);
        return new(from, to);
    }

    /// <summary>From <paramref name="from"/> to the end.</summary>
    public static OssByteRange StartingAt(long from)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        return new(from, null);
    }

    /// <summary>The last <paramref name="length"/> bytes.</summary>
    public static OssByteRange Last(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        return new(null, length);
    }

    /// <summary>The <c>Range</c> header value.</summary>
    public override string ToString() => From is long f
        ? string.Create(CultureInfo.InvariantCulture, $"bytes={f}-{To}")
        : string.Create(CultureInfo.InvariantCulture, $"bytes=-{To}");
}
