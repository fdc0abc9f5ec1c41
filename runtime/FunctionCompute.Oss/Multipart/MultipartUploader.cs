using System.Buffers;
using FunctionCompute.Oss.Http;

namespace FunctionCompute.Oss.Multipart;

/// <summary>
/// Uploads a stream in parts: reads sequentially into pooled buffers, uploads up to
/// <see cref="OssClientOptions.MultipartParallelism"/> parts at once (so memory stays at parallelism × part
/// size), and aborts the upload if anything fails so no orphaned parts are left behind.
/// </summary>
internal sealed class MultipartUploader(OssClient client, OssClientOptions options, string bucket, string key, PutObjectOptions? putOptions)
{
    public async Task<PutObjectResult> UploadAsync(Stream source, long? length, CancellationToken cancellationToken)
    {
        var partSize = ChoosePartSize(length);
        var first = ArrayPool<byte>.Shared.Rent(partSize);
        int firstLength;
        string uploadId;
        var handedOver = false;
        try
        {
            firstLength = await FillAsync(source, first, partSize, cancellationToken).ConfigureAwait(false);
            if (firstLength < partSize)
            {
                // Unknown-length stream that fits in one part: a plain PUT is cheaper (and replayable from memory).
                return await client.PutSingleAsync(bucket, key, new MemoryRequestBody(first.AsMemory(0, firstLength)), putOptions, cancellationToken)
                    .ConfigureAwait(false);
            }

            uploadId = await client.InitiateMultipartUploadAsync(bucket, key, putOptions, cancellationToken).ConfigureAwait(false);
            handedOver = true; // UploadPartsAsync returns the buffer from here on
        }
        finally
        {
            if (!handedOver) ArrayPool<byte>.Shared.Return(first);
        }

        try
        {
            var parts = await UploadPartsAsync(source, uploadId, partSize, first, firstLength, cancellationToken).ConfigureAwait(false);
            return await client.CompleteMultipartUploadAsync(bucket, key, uploadId, parts, putOptions, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbortQuietlyAsync(uploadId).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<List<OssUploadedPart>> UploadPartsAsync(Stream source, string uploadId, int partSize, byte[] first, int firstLength, CancellationToken cancellationToken)
    {
        using var failure = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(options.MultipartParallelism);
        var inFlight = new List<Task<OssUploadedPart>>();
        var partOptions = new OssRequestOptions { Credentials = putOptions?.Credentials };
        var state = new FailureState(failure);
        var buffer = first;
        var filled = firstLength;
        var partNumber = 1;
        try
        {
            while (true)
            {
                inFlight.Add(UploadOneAsync(uploadId, partNumber, buffer, filled, slots, partOptions, state));
                buffer = null;
                if (filled < partSize) break; // that was the last (short) part

                // Wait for a free slot before reading more: this is what bounds the buffered data.
                await slots.WaitAsync(failure.Token).ConfigureAwait(false);
                slots.Release();
                buffer = ArrayPool<byte>.Shared.Rent(partSize);
                filled = await FillAsync(source, buffer, partSize, failure.Token).ConfigureAwait(false);
                if (filled == 0) break;
                if (++partNumber > OssClientOptions.MaxPartCount)
                {
                    throw new InvalidOperationException($"The stream needs more than {OssClientOptions.MaxPartCount} parts; increase PartSize.");
                }
            }
        }
        catch (Exception ex)
        {
            state.Fail(ex);
        }

        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        try
        {
            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Each part recorded its own failure; the first one is rethrown below.
        }

        state.ThrowIfFailed();
        return [.. inFlight.Select(t => t.Result)];
    }

    private async Task<OssUploadedPart> UploadOneAsync(string uploadId, int partNumber, byte[] buffer, int length, SemaphoreSlim slots,
        OssRequestOptions partOptions, FailureState state)
    {
        try
        {
            await slots.WaitAsync(state.Token).ConfigureAwait(false);
            try
            {
                return await client.UploadPartAsync(bucket, key, uploadId, partNumber, buffer.AsMemory(0, length), partOptions, state.Token)
                    .ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        }
        catch (Exception ex)
        {
            state.Fail(ex);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Remembers the first failure (reader or part) and cancels everything else, so the caller sees the root
    /// cause rather than the cancellations it triggered.
    /// </summary>
    private sealed class FailureState(CancellationTokenSource cts)
    {
        private Exception? _first;

        public CancellationToken Token => cts.Token;

        public void Fail(Exception ex)
        {
            Interlocked.CompareExchange(ref _first, ex, null);
            try { cts.Cancel(); } catch (ObjectDisposedException) { }
        }

        public void ThrowIfFailed()
        {
            if (Volatile.Read(ref _first) is { } ex) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex);
        }
    }

    private async Task AbortQuietlyAsync(string uploadId)
    {
        try
        {
            // Not the caller's token: a cancelled upload must still be cleaned up.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.AbortMultipartUploadAsync(bucket, key, uploadId, new OssRequestOptions { Credentials = putOptions?.Credentials }, timeout.Token)
                .ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: the original failure matters more; lifecycle rules clean up leftovers.
        }
    }

    private int ChoosePartSize(long? length)
    {
        long size = options.PartSize;
        if (length is long total && (total + size - 1) / size > OssClientOptions.MaxPartCount)
        {
            size = (total + OssClientOptions.MaxPartCount - 1) / OssClientOptions.MaxPartCount;
        }

        return (int)Math.Min(size, Array.MaxLength);
    }

    private static async Task<int> FillAsync(Stream source, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < count)
        {
            var n = await source.ReadAsync(buffer.AsMemory(total, count - total), cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }

        return total;
    }
}
