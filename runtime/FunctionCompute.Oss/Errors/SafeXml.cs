using System.Xml;

namespace FunctionCompute.Oss;

/// <summary>XML reader settings for untrusted responses: no DTDs (entity expansion), no external resolution.</summary>
internal static class SafeXml
{
    public static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
        Async = false,
    };
}
