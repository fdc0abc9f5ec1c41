using System.Net.Http.Headers;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;

namespace FunctionCompute.Testing;

/// <summary>Writes a context as the request headers FC sends with every call (<c>x-fc-request-id</c>, credentials, function settings, ...).</summary>
public static class FcRequestHeaders
{
    /// <summary>Adds FC's headers for <paramref name="context"/>; <paramref name="controlPath"/> (e.g. <c>/invoke</c>) names the kind of call.</summary>
    public static void Apply(HttpRequestHeaders headers, IFcContext context, string? controlPath) =>
        FcRequestHeaderWriter.Write(headers, context, controlPath);
}
