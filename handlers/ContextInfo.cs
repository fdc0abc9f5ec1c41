using FunctionCompute.Credentials;
using FunctionCompute.Runtime;

namespace SampleFunctions;

/// <summary>The event of <c>context</c>: nothing is needed (<c>{}</c>).</summary>
public sealed record ContextQuery;

/// <summary>What <c>context</c> reports: the parsed context, with the key id shortened and the secrets left out.</summary>
public sealed record ContextSummary(
    string RequestId, string FunctionName, string FunctionHandler, int? MemoryLimitInMB, int? FunctionTimeout,
    string? FunctionInitializer, int? InitializationTimeout, string Region, string AccountId, string Qualifier,
    string VersionId, string ServiceName, string LogProject, string LogStore, string? InstanceId, string? TraceParent,
    bool HasCredentials, string AccessKeyIdPrefix, bool HasSecurityToken, double? RemainingSeconds);

/// <summary><c>context</c>: shows what the runtime parsed from FC's headers (handy when setting up a function).</summary>
public static class ContextInfo
{
    /// <summary>Summarises the invocation's context.</summary>
    public static ContextSummary Handle(ContextQuery query, IFcContext c) => new(
        c.RequestId, c.FunctionParam.FunctionName, c.FunctionParam.FunctionHandler, c.FunctionParam.MemoryLimitInMB,
        c.FunctionParam.FunctionTimeout, c.FunctionParam.FunctionInitializer, c.FunctionParam.InitializationTimeout,
        c.Region, c.AccountId, c.ServiceMeta.Qualifier, c.ServiceMeta.VersionId, c.ServiceMeta.Name,
        c.ServiceMeta.LogProject, c.ServiceMeta.LogStore, c.InstanceId, c.TraceParent,
        !c.Credentials.IsEmpty, CloudCredentials.Redact(c.Credentials.AccessKeyId), c.Credentials.IsTemporary,
        c.Deadline is null ? null : Math.Round(c.RemainingTime.TotalSeconds, 1));
}
