using System.Globalization;
using System.Runtime.CompilerServices;
using FunctionCompute.Oss.Http;
using FunctionCompute.Oss.Signing;

namespace FunctionCompute.Oss;

public sealed partial class OssClient
{
    /// <summary>
    /// Lists one page (ListObjectsV2). Keys are requested URL-encoded (<c>encoding-type=url</c>, so any key
    /// survives XML) and returned decoded.
    /// </summary>
    public async Task<ListObjectsV2Page> ListObjectsV2Async(string bucket, ListObjectsV2Options? options = null, CancellationToken cancellationToken = default)
    {
        ValidateBucket(bucket);
        var request = new OssRequest(HttpMethod.Get, bucket, null) { Credentials = options?.Credentials };
        request.AddQuery("list-type", "2").AddQuery("encoding-type", "url");
        if (options is not null)
        {
            if (!string.IsNullOrEmpty(options.Prefix)) request.AddQuery("prefix", options.Prefix);
            if (!string.IsNullOrEmpty(options.Delimiter)) request.AddQuery("delimiter", options.Delimiter);
            if (!string.IsNullOrEmpty(options.StartAfter)) request.AddQuery("start-after", options.StartAfter);
            if (!string.IsNullOrEmpty(options.ContinuationToken)) request.AddQuery("continuation-token", options.ContinuationToken);
            if (options.MaxKeys is int max)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(max, 1, nameof(options.MaxKeys));
                ArgumentOutOfRangeException.ThrowIfGreaterThan(max, 1000, nameof(options.MaxKeys));
                request.AddQuery("max-keys", max.ToString(CultureInfo.InvariantCulture));
            }

            if (options.FetchOwner) request.AddQuery("fetch-owner", "true");
        }

        return await SendAsync(request, ReadListingAsync, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask<ListObjectsV2Page> ReadListingAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var root = await OssXml.LoadAsync(response, cancellationToken).ConfigureAwait(false);
        if (root.Name != "ListBucketResult") throw OssXml.Missing(response, "a <ListBucketResult> document");
        var encoded = string.Equals(root.Value("EncodingType"), "url", StringComparison.OrdinalIgnoreCase);
        string? Decode(string? s)
        {
            if (s is null || !encoded) return s;
            try
            {
                return OssUriEncoding.Decode(s, plusAsSpace: true);
            }
            catch (FormatException ex)
            {
                // A broken answer (or something in front of OSS) is a response error, like unparsable XML.
                throw OssXml.Invalid(response, $"a listing value that is not valid URL encoding ({ex.Message})", ex);
            }
        }

        var objects = root.Children("Contents").Select(c => new OssObjectSummary
        {
            Key = Decode(c.Value("Key")) ?? "",
            Size = c.Long("Size"),
            ETag = c.Value("ETag"),
            LastModified = c.Date("LastModified"),
            StorageClass = c.Value("StorageClass"),
            Type = c.Value("Type"),
            OwnerId = c.Children("Owner").FirstOrDefault()?.Value("ID"),
        }).ToList();
        // A page holds at most 1,000 keys: a count outside int is a broken answer, not a number to wrap.
        var keyCount = root.Long("KeyCount");
        if (keyCount is < 0 or > int.MaxValue)
            throw OssXml.Invalid(response, $"a KeyCount of {keyCount}");
        var prefixes = root.Children("CommonPrefixes").Select(p => Decode(p.Value("Prefix")) ?? "").ToList();
        return new ListObjectsV2Page
        {
            Objects = objects,
            CommonPrefixes = prefixes,
            IsTruncated = root.Bool("IsTruncated"),
            NextContinuationToken = Decode(root.Value("NextContinuationToken")),
            KeyCount = (int)keyCount,
            Bucket = root.Value("Name"),
            RequestId = ResponseHeaders.RequestId(response),
        };
    }

    /// <summary>Lists every page lazily, following continuation tokens; each page is fetched when enumerated.</summary>
    public async IAsyncEnumerable<ListObjectsV2Page> ListObjectsV2PagesAsync(string bucket, ListObjectsV2Options? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var current = new ListObjectsV2Options
        {
            Prefix = options?.Prefix,
            Delimiter = options?.Delimiter,
            StartAfter = options?.StartAfter,
            MaxKeys = options?.MaxKeys,
            ContinuationToken = options?.ContinuationToken,
            FetchOwner = options?.FetchOwner ?? false,
            Credentials = options?.Credentials,
        };
        while (true)
        {
            var page = await ListObjectsV2Async(bucket, current, cancellationToken).ConfigureAwait(false);
            yield return page;
            if (!page.IsTruncated) yield break;
            if (string.IsNullOrEmpty(page.NextContinuationToken) || page.NextContinuationToken == current.ContinuationToken)
            {
                // A truncated page without a new token would loop forever.
                throw new OssException(System.Net.HttpStatusCode.OK, "InvalidResponse",
                    "OSS reported a truncated listing without a new NextContinuationToken.", page.RequestId, null, null);
            }

            current.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <summary>Every object under the options' prefix, across pages.</summary>
    public async IAsyncEnumerable<OssObjectSummary> ListObjectsAsync(string bucket, ListObjectsV2Options? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var page in ListObjectsV2PagesAsync(bucket, options, cancellationToken).ConfigureAwait(false))
        {
            foreach (var o in page.Objects)
            {
                yield return o;
            }
        }
    }
}
