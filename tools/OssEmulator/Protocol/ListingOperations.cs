using System.Globalization;
using System.Text;
using System.Xml.Linq;
using FunctionCompute.Oss.Signing;
using FunctionCompute.OssEmulator.Storage;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.OssEmulator.Protocol;

/// <summary>ListObjectsV2: prefix, delimiter, start-after, continuation tokens, URL encoding of names.</summary>
internal sealed class ListingOperations(OssObjectStore store)
{
    public async Task ListObjectsV2Async(HttpContext ctx, OssCall call, string bucket)
    {
        var prefix = call.QueryValue("prefix") ?? "";
        var delimiter = ObjectHeaders.NullIfEmpty(call.QueryValue("delimiter") ?? "");
        var startAfter = ObjectHeaders.NullIfEmpty(call.QueryValue("start-after") ?? "");
        var token = ObjectHeaders.NullIfEmpty(call.QueryValue("continuation-token") ?? "");
        var encodingType = ObjectHeaders.NullIfEmpty(call.QueryValue("encoding-type") ?? "");
        var fetchOwner = string.Equals(call.QueryValue("fetch-owner"), "true", StringComparison.OrdinalIgnoreCase);
        var maxKeys = 100;
        if (call.QueryValue("max-keys") is { Length: > 0 } mk
            && (!int.TryParse(mk, NumberStyles.None, CultureInfo.InvariantCulture, out maxKeys) || maxKeys is < 1 or > 1000))
        {
            throw OssError.InvalidArgument("Argument max-keys must be an integer between 1 and 1000.", "max-keys", mk);
        }

        if (encodingType is not null && encodingType != "url")
        {
            throw OssError.InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encodingType);
        }

        string? marker = null;
        if (token is not null)
        {
            try
            {
                marker = Encoding.UTF8.GetString(Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/').PadRight((token.Length + 3) / 4 * 4, '=')));
            }
            catch (FormatException)
            {
                throw OssError.InvalidArgument("The continuation token provided is incorrect", "continuation-token", token);
            }
        }

        var cmp = Utf8KeyComparer.Instance;
        var contents = new List<OssStoredObject>();
        var prefixes = new List<string>();
        string? last = null;
        var truncated = false;
        foreach (var key in store.SortedKeys(bucket))
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (marker is null && startAfter is not null && cmp.Compare(key, startAfter) <= 0) continue;
            var entry = key;
            var isPrefix = false;
            if (delimiter is not null)
            {
                var idx = key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                if (idx >= 0)
                {
                    entry = key[..(idx + delimiter.Length)];
                    isPrefix = true;
                }
            }

            if (marker is not null && cmp.Compare(entry, marker) <= 0) continue;
            if (isPrefix && entry == last) continue;
            if (contents.Count + prefixes.Count == maxKeys)
            {
                truncated = true;
                break;
            }

            if (isPrefix)
            {
                prefixes.Add(entry);
            }
            else if (store.TryGet(bucket, key, out var obj))
            {
                contents.Add(obj);
            }
            else
            {
                continue; // deleted meanwhile
            }

            last = entry;
        }

        var url = encodingType == "url";
        string Enc(string s) => url ? OssUriEncoding.Encode(s) : s;
        var root = new XElement("ListBucketResult",
            new XElement("Name", bucket),
            new XElement("Prefix", Enc(prefix)),
            token is null ? null : new XElement("ContinuationToken", token),
            startAfter is null ? null : new XElement("StartAfter", Enc(startAfter)),
            new XElement("MaxKeys", maxKeys),
            delimiter is null ? null : new XElement("Delimiter", Enc(delimiter)),
            url ? new XElement("EncodingType", "url") : null,
            new XElement("IsTruncated", truncated ? "true" : "false"),
            truncated && last is not null ? new XElement("NextContinuationToken", EncodeToken(last)) : null,
            contents.Select(o => new XElement("Contents",
                new XElement("Key", Enc(o.Key)),
                new XElement("LastModified", OssFormats.IsoTime(o.LastModified)),
                new XElement("ETag", o.ETag),
                new XElement("Type", o.ObjectType),
                new XElement("Size", o.Size),
                new XElement("StorageClass", o.StorageClass),
                fetchOwner ? new XElement("Owner", new XElement("ID", o.WrittenBy), new XElement("DisplayName", o.WrittenBy)) : null)),
            prefixes.Select(p => new XElement("CommonPrefixes", new XElement("Prefix", Enc(p)))),
            new XElement("KeyCount", contents.Count + prefixes.Count));
        await OssResponses.WriteXmlAsync(ctx, 200, root).ConfigureAwait(false);
    }

    private static string EncodeToken(string marker) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(marker)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
