using System.Globalization;
using FunctionCompute.Credentials;
using FunctionCompute.Credentials.Internal;
using FunctionCompute.Runtime.Contract;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Context;

/// <summary>The result of parsing: the context, and what was wrong with the headers (already safe to log).</summary>
/// <param name="Context">The parsed context; always usable, malformed values are left empty.</param>
/// <param name="Problems">One sentence per malformed header; never contains a secret.</param>
internal readonly record struct ParsedContext(FcContext Context, IReadOnlyList<string> Problems);

/// <summary>
/// Turns FC's request headers into an <see cref="FcContext"/>. It never throws on bad input:
/// a malformed value is left empty and reported in <see cref="ParsedContext.Problems"/>, so the
/// invocation still runs and the problem can be logged.
/// </summary>
internal static class FcContextParser
{
    private const int MaxEchoedLength = 64;

    /// <summary>Parses the headers of one call. <paramref name="environment"/> fills what the headers leave out.</summary>
    public static ParsedContext Parse(
        IHeaderDictionary headers,
        FcEnvironment environment,
        DateTimeOffset now,
        CancellationToken cancellationToken,
        ILogger logger)
    {
        var sent = SentHeaders.Read(headers);
        List<string>? problems = null;

        var functionParam = new FunctionParam
        {
            FunctionName = sent.FunctionName ?? environment.FunctionName ?? "",
            FunctionHandler = sent.FunctionHandler ?? environment.FunctionHandler ?? "",
            FunctionInitializer = sent.FunctionInitializer,
            MemoryLimitInMB = Integer(FcHeaders.FunctionMemory, sent.FunctionMemory, ref problems) ?? environment.MemoryLimitInMB,
            FunctionTimeout = Integer(FcHeaders.FunctionTimeout, sent.FunctionTimeout, ref problems),
            InitializationTimeout = Integer(FcHeaders.InitializationTimeout, sent.InitializationTimeout, ref problems),
            PreStopHandler = sent.PreStopHandler,
            PreFreezeHandler = sent.PreFreezeHandler,
        };

        var context = new FcContext
        {
            RequestId = sent.RequestId ?? NewRequestId(),
            Credentials = ParseCredentials(sent.AccessKeyId, sent.AccessKeySecret, sent.SecurityToken, ref problems),
            FunctionParam = functionParam,
            ServiceMeta = new ServiceMeta
            {
                Name = sent.ServiceName ?? "",
                LogProject = sent.LogProject ?? "",
                LogStore = sent.LogStore ?? "",
                Qualifier = sent.Qualifier ?? "",
                VersionId = sent.VersionId ?? "",
            },
            Region = sent.Region ?? environment.Region ?? "",
            AccountId = sent.AccountId ?? environment.AccountId ?? "",
            InstanceId = sent.InstanceId ?? environment.InstanceId,
            TraceParent = sent.TraceParent,
            TraceState = sent.TraceState,
            Deadline = functionParam.FunctionTimeout is > 0 and var seconds ? now.AddSeconds(seconds) : null,
            CancellationToken = cancellationToken,
            Logger = logger,
        };
        return new ParsedContext(context, (IReadOnlyList<string>?)problems ?? []);
    }

    /// <summary>
    /// The values of the headers FC sends, gathered in one pass over the request's headers. Looking each of the
    /// 22 names up instead cost 22 case-insensitive dictionary probes per call, most of them misses: about a
    /// tenth of the runtime's CPU time per echo invocation (bench, perf profile). A header sent empty counts as absent.
    /// </summary>
    private struct SentHeaders
    {
        public string? RequestId, AccessKeyId, AccessKeySecret, SecurityToken, FunctionName, FunctionHandler,
            FunctionMemory, FunctionTimeout, FunctionInitializer, InitializationTimeout, PreStopHandler, PreFreezeHandler,
            Region, AccountId, Qualifier, VersionId, ServiceName, LogProject, LogStore, InstanceId, TraceParent, TraceState;

        public static SentHeaders Read(IHeaderDictionary headers)
        {
            var sent = new SentHeaders();
            foreach (var (name, values) in headers)
            {
                // Every name of ours is x-fc-..., traceparent or tracestate: skip the rest (Host, Content-Type, ...) cheaply.
                if (name.Length < 10 || (name[0] | 0x20) is not ('x' or 't')) continue;
                if (values.Count == 0 || string.IsNullOrEmpty(values[0])) continue;
                var value = values[0];
                // FC sends lowercase names; anyone else may not (header names are case-insensitive).
                switch (name.AsSpan().ContainsAnyInRange('A', 'Z') ? name.ToLowerInvariant() : name)
                {
                    case FcHeaders.RequestId: sent.RequestId = value; break;
                    case FcHeaders.AccessKeyId: sent.AccessKeyId = value; break;
                    case FcHeaders.AccessKeySecret: sent.AccessKeySecret = value; break;
                    case FcHeaders.SecurityToken: sent.SecurityToken = value; break;
                    case FcHeaders.FunctionName: sent.FunctionName = value; break;
                    case FcHeaders.FunctionHandler: sent.FunctionHandler = value; break;
                    case FcHeaders.FunctionMemory: sent.FunctionMemory = value; break;
                    case FcHeaders.FunctionTimeout: sent.FunctionTimeout = value; break;
                    case FcHeaders.FunctionInitializer: sent.FunctionInitializer = value; break;
                    case FcHeaders.InitializationTimeout: sent.InitializationTimeout = value; break;
                    case FcHeaders.PreStopHandler: sent.PreStopHandler = value; break;
                    case FcHeaders.PreFreezeHandler: sent.PreFreezeHandler = value; break;
                    case FcHeaders.Region: sent.Region = value; break;
                    case FcHeaders.AccountId: sent.AccountId = value; break;
                    case FcHeaders.Qualifier: sent.Qualifier = value; break;
                    case FcHeaders.VersionId: sent.VersionId = value; break;
                    case FcHeaders.ServiceName: sent.ServiceName = value; break;
                    case FcHeaders.LogProject: sent.LogProject = value; break;
                    case FcHeaders.LogStore: sent.LogStore = value; break;
                    case FcHeaders.InstanceId: sent.InstanceId = value; break;
                    case FcHeaders.TraceParent: sent.TraceParent = value; break;
                    case FcHeaders.TraceState: sent.TraceState = value; break;
                }
            }
            return sent;
        }
    }

    private static int? Integer(string name, string? text, ref List<string>? problems)
    {
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return value;
        (problems ??= []).Add($"header {name} has a malformed value '{Echo(text)}' (expected a non-negative integer); it was ignored");
        return null;
    }

    /// <summary>A request id for calls that come without one (a local curl, a health probe).</summary>
    public static string NewRequestId() => Guid.NewGuid().ToString("D");

    private static CloudCredentials ParseCredentials(string? id, string? secret, string? token, ref List<string>? problems)
    {
        // A value of only whitespace cannot sign anything: treat it as absent rather than let CloudCredentials reject it.
        id = TrimmedOrNull(id);
        secret = TrimmedOrNull(secret);
        token = TrimmedOrNull(token);
        if (id is not null && secret is not null) return new CloudCredentials(id, secret, token);
        if (id is null && secret is null)
        {
            if (token is not null) (problems ??= []).Add($"header {FcHeaders.SecurityToken} came without an access key; the invocation has no credentials");
            return CloudCredentials.None;
        }
        // Name the missing half only: the present half may be the secret.
        (problems ??= []).Add(id is null
            ? $"header {FcHeaders.AccessKeySecret} came without {FcHeaders.AccessKeyId}; the invocation has no credentials"
            : $"header {FcHeaders.AccessKeyId} came without {FcHeaders.AccessKeySecret}; the invocation has no credentials");
        return CloudCredentials.None;
    }

    private static string? TrimmedOrNull(string? value) => value?.Trim() is { Length: > 0 } trimmed ? trimmed : null;

    private static string Echo(string value)
    {
        var shown = TextCut.Truncate(value, MaxEchoedLength);
        // Keep the log line one line and printable whatever the header held.
        return string.Create(shown.Length, shown, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++) span[i] = char.IsControl(s[i]) ? '?' : s[i];
        });
    }
}
