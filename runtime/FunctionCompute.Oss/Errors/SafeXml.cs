using System.Xml;
using FunctionCompute.Oss.Http;

namespace FunctionCompute.Oss;

/// <summary>
/// XML reader settings for untrusted responses: no DTDs (entity expansion), no external resolution, and no more
/// characters than the largest answer may have (the byte bound of the stream under the reader is the first line;
/// this one also covers text given as a string).
/// </summary>
internal static class SafeXml
{
    public static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
        MaxCharactersInDocument = OssResponseLimits.MaxXmlBytes,
        Async = false,
    };

    /// <summary>The same for a network stream, read with <c>ReadAsync</c> so no thread blocks on the socket.</summary>
    public static readonly XmlReaderSettings AsyncReaderSettings = WithAsync(ReaderSettings);

    private static XmlReaderSettings WithAsync(XmlReaderSettings settings)
    {
        var copy = settings.Clone();
        copy.Async = true;
        return copy;
    }
}
