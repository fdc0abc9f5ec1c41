using System.Diagnostics;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Invocation;
using FunctionCompute.Runtime.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FunctionCompute.Runtime.Diagnostics;

/// <summary>
/// The runtime's side of tracing: one server <see cref="Activity"/> per invocation (event or web call) and per lifecycle
/// hook, from the <see cref="SourceName"/> source, tagged with OpenTelemetry's FaaS conventions and parented on the
/// call's W3C <c>traceparent</c>/<c>tracestate</c>/<c>baggage</c>, so FC's own spans, the function's and those of its
/// outgoing calls form one trace. It is <see cref="Activity.Current"/> while the call runs: .NET's HttpClient and the
/// OSS/credentials clients continue the trace from it.
/// </summary>
/// <remarks>
/// With no trace context on the call and nobody listening to the source, nothing is created (a field read and a
/// listener check per call). A call that carries a trace context gets an Activity even with nobody listening (a
/// bare one, no tags), so that outgoing calls still send a child <c>traceparent</c> and FC's trace does not break.
/// </remarks>
internal sealed class InvocationActivity
{
    /// <summary>The name of the runtime's <see cref="ActivitySource"/> (what an OpenTelemetry tracer adds as a source).</summary>
    public const string SourceName = "FunctionCompute.Runtime";

    internal static readonly ActivitySource Source = new(SourceName, typeof(InvocationActivity).Assembly.GetName().Version?.ToString());

    // 0 until the app's first invocation has started: that one, and only that one, is the cold start. Per app (the
    // call services own one), which on FC is per instance, and lets several apps in one test process each have theirs.
    private int _invoked;

    /// <summary>
    /// Starts the Activity of an opened call: an event invocation (named after the function), a web call (named after
    /// its method) or a lifecycle hook (<c>initialize</c>, <c>pre-stop</c> or <c>pre-freeze</c>); null when there is
    /// nothing to trace.
    /// </summary>
    /// <param name="call">The call, its context read.</param>
    /// <param name="coldStart">Whether it is the app's first invocation (<see cref="ClaimColdStart"/>).</param>
    public Activity? Start(FcCall call, bool coldStart) => Start(call.Kind, call.Context, call, coldStart);

    /// <summary>
    /// Whether a call of <paramref name="kind"/> is the app's cold start: true for its first invocation only. Every
    /// invocation counts, traced or not (a later traced one is no cold start); hooks are no invocation.
    /// </summary>
    public bool ClaimColdStart(CallKind kind) =>
        kind is CallKind.Invoke or CallKind.Http && Volatile.Read(ref _invoked) == 0 && Interlocked.Exchange(ref _invoked, 1) == 0;

    /// <summary>Starts the Activity of a call of <paramref name="kind"/> with <paramref name="context"/>; null when there is nothing to trace.</summary>
    /// <param name="kind">What FC called.</param>
    /// <param name="context">The call's context (its trace context, function and instance).</param>
    /// <param name="call">Where the web method and the baggage come from, if anywhere.</param>
    public Activity? Start(CallKind kind, IFcContext context, FcCall? call) => Start(kind, context, call, ClaimColdStart(kind));

    private static Activity? Start(CallKind kind, IFcContext context, FcCall? call, bool coldStart)
    {
        var invocation = kind is CallKind.Invoke or CallKind.Http;
        if (context.TraceParent is null && !Source.HasListeners()) return null;
        var web = kind == CallKind.Http;
        var method = web ? call?.WebMethod ?? "HTTP" : null;
        var name = kind switch
        {
            CallKind.Invoke => context.FunctionParam.FunctionName is { Length: > 0 } function ? function : "invoke",
            CallKind.Http => method!,
            CallKind.Initialize => "initialize",
            CallKind.PreStop => "pre-stop",
            _ => "pre-freeze",
        };
        var activity = Start(context, call?.Baggage, name, web ? "http" : "other");
        if (invocation && activity is { IsAllDataRequested: true })
        {
            activity.SetTag("faas.coldstart", coldStart);
            if (web) activity.SetTag("http.request.method", method);
        }
        return activity;
    }

    /// <summary>Marks the call failed: the function threw or timed out. The description is masked like the error answer.</summary>
    public static void Fail(Activity? activity, Exception exception, IFcContext context)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, SecretRedactor.Redact(exception.Message, context.Credentials));
        if (activity.IsAllDataRequested) activity.SetTag("error.type", exception.GetType().FullName);
    }

    /// <summary>Records a web call's answer: its status, and the route it took (the span is renamed <c>METHOD route</c>).</summary>
    public static void Complete(Activity? activity, HttpContext http)
    {
        if (activity is null) return;
        var status = http.Response.StatusCode;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("http.response.status_code", status);
            if (http.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route })
            {
                activity.SetTag("http.route", route);
                activity.DisplayName = http.Request.Method + " " + route;
            }
        }
        // HTTP server conventions: a 5xx is the server's failure, a 4xx the caller's (the span stays unset).
        if (status >= 500 && activity.Status != ActivityStatusCode.Error)
        {
            activity.SetStatus(ActivityStatusCode.Error);
            if (activity.IsAllDataRequested) activity.SetTag("error.type", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static Activity? Start(IFcContext context, string? baggage, string name, string trigger)
    {
        // A malformed traceparent is no parent: the call starts a trace of its own (when listened to) rather than fail.
        // Hosting's request Activity, where someone listens to it, has continued the traceparent already: ours is its
        // child (a default parent context means Activity.Current). Else the call's own trace context is the parent.
        var hosting = Activity.Current;
        var parent = default(ActivityContext);
        var hasParent = hosting is null && ActivityContext.TryParse(context.TraceParent, context.TraceState, isRemote: true, out parent);
        var activity = Source.StartActivity(name, ActivityKind.Server, hasParent ? parent : default);
        if (activity is null)
        {
            if (!hasParent) return null;
            // Nobody listens (or the sampler dropped it): a bare Activity still carries the trace to outgoing calls.
            // Nobody reads its tags: skip them (a new Activity says all data is requested).
            activity = new Activity(name) { IsAllDataRequested = false };
            activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
            activity.TraceStateString = parent.TraceState;
            activity.Start();
        }
        if (baggage is { Length: > 0 }) AddBaggage(activity, baggage);
        if (activity.IsAllDataRequested) AddTags(activity, context, trigger);
        return activity;
    }

    private static void AddTags(Activity activity, IFcContext context, string trigger)
    {
        activity.SetTag("faas.trigger", trigger);
        activity.SetTag("faas.invocation_id", context.RequestId);
        if (context.FunctionParam.FunctionName is { Length: > 0 } function) activity.SetTag("faas.name", function);
        if (context.ServiceMeta.VersionId is { Length: > 0 } version) activity.SetTag("faas.version", version);
        if (context.InstanceId is { Length: > 0 } instance) activity.SetTag("faas.instance", instance);
        // Conventions: bytes (FC says MB).
        if (context.FunctionParam.MemoryLimitInMB is { } megabytes) activity.SetTag("faas.max_memory", megabytes * 1024L * 1024L);
        activity.SetTag("cloud.provider", "alibaba_cloud");
        activity.SetTag("cloud.platform", "alibaba_cloud_fc");
        if (context.Region is { Length: > 0 } region) activity.SetTag("cloud.region", region);
        if (context.AccountId is { Length: > 0 } account) activity.SetTag("cloud.account.id", account);
    }

    /// <summary>The call's W3C <c>baggage</c>, as ASP.NET Core's hosting reads it (the configured propagator), in the order sent.</summary>
    private static void AddBaggage(Activity activity, string header)
    {
        var baggage = DistributedContextPropagator.Current.ExtractBaggage(header, static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            values = null;
            value = name == "baggage" ? (string)carrier! : null;
        });
        if (baggage is null) return;
        // AddBaggage puts each item first; the propagator hands them over reversed already (as hosting relies on), so they read as sent.
        foreach (var item in baggage) activity.AddBaggage(item.Key, item.Value);
    }
}
