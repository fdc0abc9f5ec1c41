namespace FunctionCompute.Oss.Http;

/// <summary>
/// Every bound on what the client reads from OSS, in one place. A body over its bound fails while it is read
/// (the read stops there; nothing past it is buffered) with an <see cref="OssException"/> whose code names
/// the bound that was hit. Object downloads (<c>GetObjectAsync</c>) are streams the caller reads and are not
/// bounded here.
/// </summary>
internal static class OssResponseLimits
{
    /// <summary>Code of an answer over <see cref="MaxXmlBytes"/> or <see cref="MaxXmlElements"/>.</summary>
    public const string ResponseTooLarge = "ResponseTooLarge";

    /// <summary>Code of an answer nested deeper than <see cref="MaxXmlDepth"/>.</summary>
    public const string ResponseTooDeep = "ResponseTooDeep";

    /// <summary>
    /// A success answer in XML (ListObjectsV2, InitiateMultipartUpload, CompleteMultipartUpload). The largest is a
    /// ListObjectsV2 page: at most 1,000 entries (keys plus common prefixes), each key at most 1,023 bytes, which
    /// URL encoding (<c>encoding-type=url</c>) can triple to 3,069 characters (XML escaping of an unencoded key,
    /// five times for <c>&amp;amp;</c>, 5,115), plus about 600 bytes of ETag, dates, size, storage class and owner
    /// markup: under 6 MB, with the echoed prefix, start-after and continuation token a few KiB more. 8 MiB is
    /// headroom over that worst case while keeping a hostile or broken answer from costing more.
    /// </summary>
    public const long MaxXmlBytes = 8L * 1024 * 1024;

    /// <summary>
    /// Nesting of an XML answer. OSS documents are at most four levels deep (ListBucketResult / Contents / Owner /
    /// ID); 32 leaves room for future fields and stops pathological nesting at once.
    /// </summary>
    public const int MaxXmlDepth = 32;

    /// <summary>
    /// Elements in an XML answer. A full listing page has about 15 per entry (15,000); 100,000 bounds the parsed
    /// tree (about 10 MB) even for a document made of nothing but tiny elements.
    /// </summary>
    public const int MaxXmlElements = 100_000;

    /// <summary>
    /// An error body: the OSS error document is under 2 KiB (4 KiB with an echoed string to sign); a proxy's HTML
    /// page or a misrouted download is cut here and shown as an excerpt, not read in full.
    /// </summary>
    public const int MaxErrorBodyBytes = 64 * 1024;
}
