using System.Globalization;

namespace FunctionCompute.OssEmulator.Protocol;

internal enum RangeResult { Ignored, Satisfiable, Unsatisfiable }

/// <summary>The <c>Range</c> header as OSS reads it.</summary>
internal static class ByteRanges
{
    /// <summary>Parses the first range of <c>bytes=a-b</c>, <c>bytes=a-</c>, <c>bytes=-n</c>.</summary>
    public static RangeResult Parse(string header, long size, out long from, out long to)
    {
        from = to = 0;
        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return RangeResult.Ignored;
        var spec = header["bytes=".Length..].Split(',')[0].Trim();
        var dash = spec.IndexOf('-');
        if (dash < 0) return RangeResult.Ignored;
        string a = spec[..dash].Trim(), b = spec[(dash + 1)..].Trim();
        const NumberStyles n = NumberStyles.None;
        if (a.Length == 0)
        {
            if (!long.TryParse(b, n, CultureInfo.InvariantCulture, out var suffix)) return RangeResult.Ignored;
            if (suffix == 0 || size == 0) return RangeResult.Unsatisfiable;
            from = Math.Max(0, size - suffix);
            to = size - 1;
            return RangeResult.Satisfiable;
        }

        if (!long.TryParse(a, n, CultureInfo.InvariantCulture, out from)) return RangeResult.Ignored;
        if (b.Length == 0)
        {
            to = size - 1;
        }
        else
        {
            if (!long.TryParse(b, n, CultureInfo.InvariantCulture, out to) || to < from) return RangeResult.Ignored;
            to = Math.Min(to, size - 1);
        }

        return from >= size ? RangeResult.Unsatisfiable : RangeResult.Satisfiable;
    }
}
