using System.Globalization;
using System.Net.Http.Headers;
using FunctionCompute.Runtime.Context;

namespace FunctionCompute.Runtime.Contract;

/// <summary>
/// Writes a context as the request headers FC sends with a call: the inverse of <see cref="FcContextParser"/>, on the
/// same <see cref="FcHeaders"/> list. Whatever calls a function as FC does (fc-local, the test kit) writes its headers
/// here (InternalsVisibleTo), so what they send is what the runtime reads.
/// </summary>
internal static class FcRequestHeaderWriter
{
    /// <summary>Sets FC's headers for <paramref name="context"/> (replacing any already there); empty values are left out.</summary>
    /// <param name="headers">The request's headers.</param>
    /// <param name="context">The call's context: request id, credentials, function settings.</param>
    /// <param name="controlPath">The <see cref="FcHeaders.ControlPath"/> value (<see cref="ControlPaths"/>), or null for none.</param>
    public static void Write(HttpRequestHeaders headers, IFcContext context, string? controlPath)
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
        // No credentials (a function without a role) sends none of the three, and removes any left from before.
        var credentials = context.Credentials.IsEmpty ? null : context.Credentials;
        Set(FcHeaders.AccessKeyId, credentials?.AccessKeyId);
        Set(FcHeaders.AccessKeySecret, credentials?.AccessKeySecret);
        Set(FcHeaders.SecurityToken, credentials?.SecurityToken);
    }
}
