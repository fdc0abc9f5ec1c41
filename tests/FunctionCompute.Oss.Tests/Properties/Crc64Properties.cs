using CsCheck;
using FunctionCompute.Oss.Integrity;

namespace FunctionCompute.Oss.Tests.Properties;

/// <summary>CRC-64/XZ over arbitrary data split arbitrarily.</summary>
[Trait("Category", "Property")]
public class Crc64Properties
{
    // Data with cut points: lengths around the 8-byte stride matter most, so short data is common.
    private static readonly Gen<(byte[] Data, int[] Cuts)> DataAndCuts =
        from data in Gen.Frequency((3, Gen.Byte.Array[0, 64]), (1, Gen.Byte.Array[0, 4000]))
        from cuts in Gen.Int[0, data.Length].Array[0, 8]
        select (data, cuts.Order().ToArray());

    private static IEnumerable<(int Start, int Length)> Chunks(int length, int[] cuts)
    {
        var start = 0;
        foreach (var cut in cuts.Append(length))
        {
            yield return (start, cut - start);
            start = cut;
        }
    }

    [Fact]
    public void Chained_over_any_split_equals_one_shot_and_the_bitwise_definition()
    {
        DataAndCuts.Sample(t =>
        {
            var oneShot = Crc64Ecma.Compute(t.Data);
            Assert.Equal(Crc64Tests.Bitwise(t.Data), oneShot);
            ulong chained = 0;
            foreach (var (start, length) in Chunks(t.Data.Length, t.Cuts)) chained = Crc64Ecma.Compute(t.Data.AsSpan(start, length), chained);
            Assert.Equal(oneShot, chained);
        }, iter: 1000);
    }

    [Fact]
    public void Combining_part_crcs_equals_the_crc_of_the_whole()
    {
        DataAndCuts.Sample(t =>
        {
            ulong combined = 0;
            foreach (var (start, length) in Chunks(t.Data.Length, t.Cuts))
                combined = Crc64Ecma.Combine(combined, Crc64Ecma.Compute(t.Data.AsSpan(start, length)), length);
            Assert.Equal(Crc64Ecma.Compute(t.Data), combined);
        }, iter: 500);
    }

    [Fact]
    public async Task Reading_through_the_stream_in_any_chunk_sizes_gives_the_one_shot_crc()
    {
        await Gen.Select(DataAndCuts, Gen.Int[1, 100].Array[1, 8]).SampleAsync(async (t, readSizes) =>
        {
            var stream = new Crc64ReadStream(new MemoryStream(t.Data), expectedCrc: Crc64Ecma.Compute(t.Data));
            var buffer = new byte[100];
            int read, turn = 0;
            do read = await stream.ReadAsync(buffer.AsMemory(0, readSizes[turn++ % readSizes.Length]));
            while (read > 0);
            Assert.Equal(Crc64Ecma.Compute(t.Data), stream.Crc64);
            Assert.Equal(t.Data.Length, stream.BytesRead);
        }, iter: 500);
    }
}
