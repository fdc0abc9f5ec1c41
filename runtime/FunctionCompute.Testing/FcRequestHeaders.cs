using System.Globalization;
using System.Net.Http.Headers;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;

namespace FunctionCompute.Testing;

/// <summary>Writes a context as the request headers FC sends with every call (<c>x-fc-request-id</c>, credentials, function settings, ...).</summary>
public static class FcRequestHeaders
{
    /// <summary>Adds FC's headers for <paramref name="context"/>; <paramref name="controlPath"/> (e.g. <c>/invoke</c>) names the kind of call.</summary>
    public static void Apply(HttpRequestHeaders headers, IFcContext context, string? controlPath)
    {
        void Set(string name, string? value)
        {
            headers.Remove(name);
            if (!string.IsNullOrEmpty(value)) headers.TryAddWithoutValidation(name, value);
        }
        static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);

        Set(FcHeaders.RequestId, context.RequestId);
        Set(FcHeaders.ControlPath, controlPath);
        var function = context.FunctionParam;
        Set(FcHeaders.FunctionName, function.FunctionName);
        Set(FcHeaders.FunctionHandler, function.FunctionHandler);
        Set(FcHeaders.FunctionMemory, Number(function.MemoryLimitInMB));
        Set(FcHeaders.FunctionTimeout, Number(function.FunctionTimeout));
        Set(FcHeaders.FunctionInitializer, function.FunctionInitializer);
        Set(FcHeaders.InitializationTimeout, Number(function.InitializationTimeout));
        Set(FcHeaders.PreStopHandler, function.PreStopHandler);
        Set(FcHeaders.PreFreezeHandler, function.PreFreezeHandler);
        Set(FcHeaders.Region, context.Region);
        Set(FcHeaders.AccountId, context.AccountId);
        Set(FcHeaders.Qualifier, context.ServiceMeta.Qualifier);
        Set(FcHeaders.VersionId, context.ServiceMeta.VersionId);
        Set(FcHeaders.ServiceName, context.ServiceMeta.Name);
        Set(FcHeaders.LogProject, context.ServiceMeta.LogProject);
        Set(FcHeaders.LogStore, context.ServiceMeta.LogStore);
        Set(FcHeaders.InstanceId, context.InstanceId);
        Set(FcHeaders.TraceParent, context.TraceParent);
        Set(FcHeaders.TraceState, context.TraceState);
        if (!context.Credentials.IsEmpty)
        {
            Set(FcHeaders.AccessKeyId, context.Credentials.AccessKeyId);
            Set(FcHeaders.AccessKeySecret, context.Credentials.AccessKeySecret);
            Set(FcHeaders.SecurityToken, context.Credentials.SecurityToken);
        }
    }
}
