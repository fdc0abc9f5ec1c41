using System.Globalization;
using FunctionCompute.Credentials;
using FunctionCompute.Runtime.Contract;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Context;

/// <summary>The result of parsing: the context, and what was wrong with the headers (already safe to log).</summary>
/// <param name="Context">The parsed context; always usable, malformed values are left empty.</param>
/// <param name="Problems">One sentence per malformed header; never contains a secret.</param>
public readonly record struct ParsedContext(FcContext Context, IReadOnlyList<string> Problems);

/// <summary>
/// Turns FC's request headers into an <see cref="FcContext"/>. It never throws on bad input:
/// a malformed value is left empty and reported in <see cref="ParsedContext.Problems"/>, so the
/// invocation still runs and the problem can be logged.
/// </summary>
public static class FcContextParser
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
        List<string>? problems = null;
        void Problem(string message) => (problems ??= []).Add(message);

        string? Text(string name)
        {
            var value = headers[name];
            return value.Count == 0 || string.IsNullOrEmpty(value[0]) ? null : value[0];
        }

        int? Integer(string name)
        {
            var text = Text(name);
            if (text is null) return null;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return value;
            Problem($"header {name} has a malformed value '{Echo(text)}' (expected a non-negative integer); it was ignored");
            return null;
        }

        var functionParam = new FunctionParam
        {
            FunctionName = Text(FcHeaders.FunctionName) ?? environment.FunctionName ?? "",
            FunctionHandler = Text(FcHeaders.FunctionHandler) ?? environment.FunctionHandler ?? "",
            FunctionInitializer = Text(FcHeaders.FunctionInitializer),
            MemoryLimitInMB = Integer(FcHeaders.FunctionMemory) ?? environment.MemoryLimitInMB,
            FunctionTimeout = Integer(FcHeaders.FunctionTimeout),
            InitializationTimeout = Integer(FcHeaders.InitializationTimeout),
            PreStopHandler = Text(FcHeaders.PreStopHandler),
            PreFreezeHandler = Text(FcHeaders.PreFreezeHandler),
        };

        var context = new FcContext
        {
            RequestId = Text(FcHeaders.RequestId) ?? NewRequestId(),
            Credentials = ParseCredentials(Text(FcHeaders.AccessKeyId), Text(FcHeaders.AccessKeySecret), Text(FcHeaders.SecurityToken), Problem),
            FunctionParam = functionParam,
            ServiceMeta = new ServiceMeta
            {
                Name = Text(FcHeaders.ServiceName) ?? "",
                LogProject = Text(FcHeaders.LogProject) ?? "",
                LogStore = Text(FcHeaders.LogStore) ?? "",
                Qualifier = Text(FcHeaders.Qualifier) ?? "",
                VersionId = Text(FcHeaders.VersionId) ?? "",
            },
            Region = Text(FcHeaders.Region) ?? environment.Region ?? "",
            AccountId = Text(FcHeaders.AccountId) ?? environment.AccountId ?? "",
            InstanceId = Text(FcHeaders.InstanceId) ?? environment.InstanceId,
            TraceParent = Text(FcHeaders.TraceParent),
            TraceState = Text(FcHeaders.TraceState),
            Deadline = functionParam.FunctionTimeout is > 0 and var seconds ? now.AddSeconds(seconds) : null,
            CancellationToken = cancellationToken,
            Logger = logger,
        };
        return new ParsedContext(context, (IReadOnlyList<string>?)problems ?? []);
    }

    /// <summary>A request id for calls that come without one (a local curl, a health probe).</summary>
    public static string NewRequestId() => Guid.NewGuid().ToString("D");

    private static CloudCredentials ParseCredentials(string? id, string? secret, string? token, Action<string> problem)
    {
        // A value of only whitespace cannot sign anything: treat it as absent rather than let CloudCredentials reject it.
        id = TrimmedOrNull(id);
        secret = TrimmedOrNull(secret);
        token = TrimmedOrNull(token);
        if (id is not null && secret is not null) return new CloudCredentials(id, secret, token);
        if (id is null && secret is null)
        {
            if (token is not null) problem($"header {FcHeaders.SecurityToken} came without an access key; the invocation has no credentials");
            return CloudCredentials.None;
        }
        // Name the missing half only: the present half may be the secret.
        problem(id is null
            ? $"header {FcHeaders.AccessKeySecret} came without {FcHeaders.AccessKeyId}; the invocation has no credentials"
            : $"header {FcHeaders.AccessKeyId} came without {FcHeaders.AccessKeySecret}; the invocation has no credentials");
        return CloudCredentials.None;
    }

    private static string? TrimmedOrNull(string? value) => value?.Trim() is { Length: > 0 } trimmed ? trimmed : null;

    // Never cut between the halves of a surrogate pair: half a pair is not text a log can show.
    private static int EchoCut(string value) => char.IsHighSurrogate(value[MaxEchoedLength - 1]) ? MaxEchoedLength - 1 : MaxEchoedLength;

    private static string Echo(string value)
    {
        var shown = value.Length <= MaxEchoedLength ? value : string.Concat(value.AsSpan(0, EchoCut(value)), "…");
        // Keep the log line one line and printable whatever the header held.
        return string.Create(shown.Length, shown, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++) span[i] = char.IsControl(s[i]) ? '?' : s[i];
        });
    }
}
