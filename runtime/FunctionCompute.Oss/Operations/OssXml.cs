using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace FunctionCompute.Oss;

/// <summary>
/// Reads and writes OSS's small XML documents with LINQ to XML (AOT-safe, no XmlSerializer). Elements are
/// matched by local name so a namespace on the root, as older OSS responses have, does not matter.
/// </summary>
internal static class OssXml
{
    public static async Task<XElement> LoadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), SafeXml.ReaderSettings);
            return XElement.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new OssException(response.StatusCode, "InvalidResponse",
                $"OSS returned a success status but its XML body could not be parsed: {ex.Message}",
                Http.ResponseHeaders.RequestId(response), null, null, innerException: ex);
        }
    }

    public static string? Value(this XElement parent, string name) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    public static IEnumerable<XElement> Children(this XElement parent, string name) =>
        parent.Elements().Where(e => e.Name.LocalName == name);

    public static long Long(this XElement parent, string name) =>
        long.TryParse(parent.Value(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : 0;

    public static bool Bool(this XElement parent, string name) =>
        string.Equals(parent.Value(name), "true", StringComparison.OrdinalIgnoreCase);

    public static DateTimeOffset? Date(this XElement parent, string name) =>
        DateTimeOffset.TryParse(parent.Value(name), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d) ? d : null;

    public static OssException Missing(HttpResponseMessage response, string what) =>
        new(response.StatusCode, "InvalidResponse",
            $"OSS response lacks {what}.", Http.ResponseHeaders.RequestId(response), null, null);

    public static OssException Invalid(HttpResponseMessage response, string what, Exception? innerException = null) =>
        new(response.StatusCode, "InvalidResponse",
            $"OSS response has {what}.", Http.ResponseHeaders.RequestId(response), null, null, innerException: innerException);
}
