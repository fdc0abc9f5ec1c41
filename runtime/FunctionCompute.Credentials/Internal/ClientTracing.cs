using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace FunctionCompute.Credentials.Internal;

/// <summary>What a client span says about its call beyond the HTTP request: a name, and the RPC it stands for (null for plain HTTP).</summary>
/// <param name="Name">The span's name (<c>OSS/PutObject</c>, <c>GET</c>...).</param>
/// <param name="RpcSystem">OpenTelemetry's <c>rpc.system</c>, or null for a plain HTTP call.</param>
/// <param name="RpcService">OpenTelemetry's <c>rpc.service</c>.</param>
/// <param name="RpcMethod">OpenTelemetry's <c>rpc.method</c> (the API's operation name).</param>
internal readonly record struct ClientCall(string Name, string? RpcSystem = null, string? RpcService = null, string? RpcMethod = null);

/// <summary>
/// Client spans for the libraries' own HTTP calls (OSS, STS, ECS metadata, credentials URI): kind Client, OpenTelemetry's
/// HTTP and RPC attributes, and the span's own W3C <c>traceparent</c> on the request. Nothing that authenticates goes into
/// a tag: the URL is recorded without its query (STS's signature and token, a presigned URL's) and without user info,
/// and no header is recorded.
/// </summary>
internal static class ClientTracing
{
    private const string TraceParent = "traceparent";
    private const string TraceState = "tracestate";

    /// <summary>
    /// Starts the span of one HTTP exchange and puts its context on <paramref name="request"/>; null when nobody listens
    /// to <paramref name="source"/>, in which case .NET's own propagation (DiagnosticsHandler) still sends the current
    /// Activity's context, if there is one.
    /// </summary>
    public static Activity? Start(ActivitySource source, in ClientCall call, HttpRequestMessage request)
    {
        if (!source.HasListeners()) return null;
        var activity = source.StartActivity(call.Name, ActivityKind.Client);
        if (activity is null) return null;
        // Ours replaces any traceparent already there; DiagnosticsHandler adds none where one is present, so exactly
        // one goes out and it names this span as the parent, whether or not System.Net.Http's own span is listened to.
        request.Headers.Remove(TraceParent);
        request.Headers.Remove(TraceState);
        request.Headers.TryAddWithoutValidation(TraceParent, activity.Id);
        if (activity.TraceStateString is { Length: > 0 } state) request.Headers.TryAddWithoutValidation(TraceState, state);
        if (activity.IsAllDataRequested && request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            activity.SetTag("http.request.method", request.Method.Method);
            activity.SetTag("server.address", uri.Host);
            activity.SetTag("server.port", uri.Port);
            // Authority has no user info; the query (a signature, a token) and the fragment are left out.
            activity.SetTag("url.full", uri.Scheme + "://" + uri.Authority + uri.AbsolutePath);
            if (call.RpcSystem is not null)
            {
                activity.SetTag("rpc.system", call.RpcSystem);
                activity.SetTag("rpc.service", call.RpcService);
                activity.SetTag("rpc.method", call.RpcMethod);
            }
        }
        return activity;
    }

    /// <summary>Records the answer's status (an HTTP status of 400 or more is an error, as OpenTelemetry's HTTP client conventions say).</summary>
    public static void Answered(Activity? activity, HttpStatusCode status)
    {
        if (activity is null) return;
        var code = (int)status;
        if (activity.IsAllDataRequested) activity.SetTag("http.response.status_code", code);
        if (code >= 400)
        {
            activity.SetStatus(ActivityStatusCode.Error);
            if (activity.IsAllDataRequested) activity.SetTag("error.type", code.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// Records a failed exchange by the exception's type only (its message may quote a server's answer). Returns false,
    /// for use as an exception filter that lets the exception go on.
    /// </summary>
    public static bool Failed(Activity? activity, Exception exception)
    {
        if (activity is null) return false;
        activity.SetStatus(ActivityStatusCode.Error);
        if (activity.IsAllDataRequested) activity.SetTag("error.type", exception.GetType().FullName);
        return false;
    }
}
