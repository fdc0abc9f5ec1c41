using System.Globalization;
using System.Text;
using System.Xml;
using FunctionCompute.Credentials.Internal;
using FunctionCompute.Oss.Http;

namespace FunctionCompute.Oss;

/// <summary>
/// One element of an OSS XML answer: its local name (a namespace on the root, as older OSS responses have, does
/// not matter), its child elements and its text. A small tree built by <see cref="OssXml"/> from a streaming
/// <see cref="XmlReader"/> within <see cref="OssResponseLimits"/>; LINQ to XML is not loaded for reading.
/// </summary>
internal sealed class OssXmlElement(string name)
{
    // Text (string) and child elements in document order; null while empty.
    private List<object>? _content;

    public string Name { get; } = name;

    /// <summary>The child elements.</summary>
    public IEnumerable<OssXmlElement> Elements() => _content?.OfType<OssXmlElement>() ?? [];

    /// <summary>All text inside the element, its descendants' included, as <c>XElement.Value</c> gives it.</summary>
    public string Value
    {
        get
        {
            if (_content is null) return "";
            if (_content is [string only]) return only;
            var text = new StringBuilder();
            AppendText(text);
            return text.ToString();
        }
    }

    internal void Add(object content) => (_content ??= []).Add(content);

    // Recursion is bounded by OssResponseLimits.MaxXmlDepth.
    private void AppendText(StringBuilder text)
    {
        foreach (var part in _content ?? [])
        {
            if (part is string s) text.Append(s);
            else ((OssXmlElement)part).AppendText(text);
        }
    }
}

/// <summary>Reads OSS's XML documents within <see cref="OssResponseLimits"/>; helpers to query them.</summary>
internal static class OssXml
{
    /// <summary>
    /// Reads a success answer's XML body: bounded in bytes (checked against <c>Content-Length</c> first, then while
    /// reading), depth and element count, and stopped by <paramref name="cancellationToken"/> between reads and
    /// between nodes. Any failure is an <see cref="OssException"/> (or the cancellation).
    /// </summary>
    public static async Task<OssXmlElement> LoadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        OssException TooLarge() => Limit(response, OssResponseLimits.ResponseTooLarge,
            $"is over {ResponseLimits.Describe(OssResponseLimits.MaxXmlBytes)}, the limit for an XML answer; reading stopped there");
        if (response.Content.Headers.ContentLength > OssResponseLimits.MaxXmlBytes) throw TooLarge();
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var limited = new LimitedReadStream(body, OssResponseLimits.MaxXmlBytes, TooLarge, cancellationToken);
        await using var disposeLimited = limited.ConfigureAwait(false);
        try
        {
            using var reader = XmlReader.Create(limited, SafeXml.AsyncReaderSettings);
            var builder = new Builder();
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                builder.Add(reader);
            }

            return builder.Root;
        }
        catch (XmlException ex)
        {
            throw new OssException(response.StatusCode, "InvalidResponse",
                $"OSS returned a success status but its XML body could not be parsed: {ex.Message}",
                ResponseHeaders.RequestId(response), null, null, innerException: ex);
        }
        catch (LimitException ex)
        {
            throw Limit(response, ex.Code, ex.Message);
        }
    }

    /// <summary>
    /// Parses a document held as text (an error body, already cut to <see cref="OssResponseLimits.MaxErrorBodyBytes"/>)
    /// within the same depth and element limits. Throws <see cref="XmlException"/> or <see cref="LimitException"/>.
    /// </summary>
    public static OssXmlElement Parse(string text)
    {
        using var reader = XmlReader.Create(new StringReader(text), SafeXml.ReaderSettings);
        var builder = new Builder();
        while (reader.Read())
        {
            builder.Add(reader);
        }

        return builder.Root;
    }

    private static OssException Limit(HttpResponseMessage response, string code, string what) =>
        new(response.StatusCode, code, $"OSS response {what}.", ResponseHeaders.RequestId(response), null, null);

    /// <summary>A document broke one of <see cref="OssResponseLimits"/>; <see cref="Code"/> says which kind.</summary>
    internal sealed class LimitException(string code, string message) : Exception(message)
    {
        public string Code { get; } = code;
    }

    /// <summary>Builds the tree node by node, enforcing depth and element count as each element opens.</summary>
    private sealed class Builder
    {
        private readonly Stack<OssXmlElement> _open = new();
        private OssXmlElement? _root;
        private int _elements;

        // XmlReader reports a missing root as an XmlException before Read returns false.
        public OssXmlElement Root => _root ?? throw new XmlException("Root element is missing.");

        public void Add(XmlReader reader)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (reader.Depth >= OssResponseLimits.MaxXmlDepth)
                    {
                        throw new LimitException(OssResponseLimits.ResponseTooDeep,
                            $"nests elements deeper than {OssResponseLimits.MaxXmlDepth} levels, the limit for an XML document; parsing stopped there");
                    }

                    if (++_elements > OssResponseLimits.MaxXmlElements)
                    {
                        throw new LimitException(OssResponseLimits.ResponseTooLarge,
                            $"has more than {OssResponseLimits.MaxXmlElements} elements, the limit for an XML document; parsing stopped there");
                    }

                    var element = new OssXmlElement(reader.LocalName);
                    if (_open.TryPeek(out var parent)) parent.Add(element);
                    else _root = element;
                    if (!reader.IsEmptyElement) _open.Push(element);
                    break;
                case XmlNodeType.EndElement:
                    _open.Pop();
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    // Whitespace outside the root (after the declaration) belongs to no element.
                    if (_open.TryPeek(out var open)) open.Add(reader.Value);
                    break;
            }
        }
    }

    public static string? Value(this OssXmlElement parent, string name) =>
        parent.Elements().FirstOrDefault(e => e.Name == name)?.Value;

    public static IEnumerable<OssXmlElement> Children(this OssXmlElement parent, string name) =>
        parent.Elements().Where(e => e.Name == name);

    public static long Long(this OssXmlElement parent, string name) =>
        long.TryParse(parent.Value(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;

    public static bool Bool(this OssXmlElement parent, string name) =>
        string.Equals(parent.Value(name), "true", StringComparison.OrdinalIgnoreCase);

    public static DateTimeOffset? Date(this OssXmlElement parent, string name) =>
        DateTimeOffset.TryParse(parent.Value(name), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d) ? d : null;

    public static OssException Missing(HttpResponseMessage response, string what) =>
        new(response.StatusCode, "InvalidResponse",
            $"OSS response lacks {what}.", Http.ResponseHeaders.RequestId(response), null, null);

    public static OssException Invalid(HttpResponseMessage response, string what, Exception? innerException = null) =>
        new(response.StatusCode, "InvalidResponse",
            $"OSS response has {what}.", Http.ResponseHeaders.RequestId(response), null, null, innerException: innerException);
}
