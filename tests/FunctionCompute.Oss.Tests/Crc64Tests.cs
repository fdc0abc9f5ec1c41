using System.Text;
using FunctionCompute.Oss.Integrity;

namespace FunctionCompute.Oss.Tests;

public class Crc64Tests
{
    [Theory]
    [InlineData("", 0UL)]
    [InlineData("hello", 11177612005948864433UL)]
    [InlineData("123456789", 11051210869376104954UL)]
    [InlineData("This is a test of the emergency broadcast system.", 2871916124362751090UL)]
    public void MatchesVectors(string input, ulong expected) => Assert.Equal(expected, Crc64Ecma.Compute(Encoding.ASCII.GetBytes(input)));

    [Fact]
    public void IsIncremental() => Assert.Equal(11177612005948864433UL, Crc64Ecma.Compute("lo"u8, Crc64Ecma.Compute("hel"u8)));

    /// <summary>CRC-64/XZ bit by bit from its definition (docs/oss.md §6), independent of the library's tables; the property tests use it too.</summary>
    internal static ulong Bitwise(ReadOnlySpan<byte> data)
    {
        var crc = ulong.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++) crc = (crc >> 1) ^ ((crc & 1) != 0 ? 0xC96C5795D7870F42UL : 0UL);
        }

        return ~crc;
    }

    [Fact]
    public void SlicedTableMatchesBitwiseReferenceAtAllLengthsAndSplits()
    {
        var rng = new Random(42);
        var data = new byte[1000];
        rng.NextBytes(data);
        for (var len = 0; len < 40; len++)
        {
            Assert.Equal(Bitwise(data.AsSpan(0, len)), Crc64Ecma.Compute(data.AsSpan(0, len)));
        }

        var whole = Bitwise(data);
        for (var split = 0; split <= data.Length; split += 37)
        {
            Assert.Equal(whole, Crc64Ecma.Compute(data.AsSpan(split), Crc64Ecma.Compute(data.AsSpan(0, split))));
        }
    }

    [Fact]
    public void CombineEqualsCrcOfConcatenation()
    {
        Assert.Equal(11177612005948864433UL, Crc64Ecma.Combine(Crc64Ecma.Compute("hel"u8), Crc64Ecma.Compute("lo"u8), 2));
        var rng = new Random(7);
        var data = new byte[300_000];
        rng.NextBytes(data);
        int[] cuts = [0, 1, 100_000, 250_001, 300_000];
        var combined = Crc64Ecma.Compute(data.AsSpan(0, cuts[1]));
        for (var i = 1; i < cuts.Length - 1; i++)
        {
            var part = data.AsSpan(cuts[i], cuts[i + 1] - cuts[i]);
            combined = Crc64Ecma.Combine(combined, Crc64Ecma.Compute(part), part.Length);
        }

        Assert.Equal(Crc64Ecma.Compute(data), combined);
        Assert.Equal(combined, Crc64Ecma.Combine(combined, 0, 0));
    }

    [Fact]
    public async Task ReadStreamComputesAndVerifies()
    {
        var data = Encoding.ASCII.GetBytes("123456789");
        await using (var ok = new Crc64ReadStream(new MemoryStream(data), 11051210869376104954UL))
        {
            await ok.CopyToAsync(Stream.Null);
            Assert.Equal(11051210869376104954UL, ok.Crc64);
            Assert.Equal(9, ok.BytesRead);
        }

        await using var bad = new Crc64ReadStream(new MemoryStream(data), 1UL, requestId: "rid-1");
        var ex = await Assert.ThrowsAsync<OssIntegrityException>(() => bad.CopyToAsync(Stream.Null));
        Assert.Equal(1UL, ex.ExpectedCrc64);
        Assert.Equal(11051210869376104954UL, ex.ActualCrc64);
        Assert.Equal("rid-1", ex.RequestId);
    }

    [Fact]
    public void ReadStreamSyncPathVerifiesToo()
    {
        using var bad = new Crc64ReadStream(new MemoryStream("hello"u8.ToArray()), 2UL);
        Assert.Throws<OssIntegrityException>(() => bad.CopyTo(Stream.Null));
    }
}
