using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Diagnostics;
using FunctionCompute.Runtime.Invocation;
using FunctionCompute.Runtime.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Hosting;

/// <summary>
/// The first thing every request meets: FC's control calls (invoke, initialize, pre-stop, pre-freeze)
/// are answered here and never reach the app's endpoints; HTTP calls go on to the app with their
/// <see cref="Context.IFcContext"/> attached.
/// </summary>
internal sealed class ContractMiddleware(RequestDelegate next, Invoker invoker, FunctionAppOptions options, FcLogWriter log, ILoggerFactory loggerFactory,
    EndpointDataSource? endpoints)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("FunctionCompute.Runtime");

    /// <summary>
    /// Whether a control path without <c>x-fc-control-path</c> is a control call: only in an event-only app (event handlers,
    /// no web endpoints). Read per request from routing's composite data source, which holds every endpoint the app maps
    /// (minimal APIs, controllers, fallbacks), so an endpoint mapped late still makes the app a web app.
    /// </summary>
    private bool AcceptsBareControlPaths => invoker.HasEventHandlers && endpoints is { Endpoints.Count: 0 };

    public Task InvokeAsync(HttpContext http) => ContractCall.Classify(http.Request, AcceptsBareControlPaths) switch
    {
        CallKind.Invoke => invoker.InvokeEventAsync(http),
        CallKind.Http => HandleHttpAsync(http),
        var hook => invoker.RunHookAsync(http, hook),
    };

    private async Task HandleHttpAsync(HttpContext http)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var parsed = invoker.CreateContext(http, deadline.Token);
        var context = parsed.Context;
        if (context.FunctionParam.FunctionTimeout is > 0 and var seconds) deadline.CancelAfter(TimeSpan.FromSeconds(seconds));
        http.Features.Set<IFcContextFeature>(new FcContextFeature(context));
        Invoker.LimitBody(http, options.MaxEventBytes);

        // FC marks real invocations with a request id; a bare probe (s local's GET /) gets no log lines.
        using var frame = http.Request.Headers.ContainsKey(FcHeaders.RequestId)
            ? new LogFrame(log, FcLogLines.InvokeStart(context.RequestId), FcLogLines.InvokeEnd(context.RequestId))
            : null;
        // Probes without a request id are no invocation: no Activity, and no claim on the cold start.
        using var activity = frame is null ? null : invoker.Tracing.StartInvocation(http, context, web: true);
        // An endpoint that never returns must not keep its frame open for good (the writer flushes when the last
        // open frame ends): the deadline, or the caller leaving, ends it.
        using var endAtDeadline = frame is null ? default : deadline.Token.Register(static state => ((LogFrame)state!).End(), frame);
        invoker.ReportProblems(parsed);
        using var scope = InvocationScope.Enter(context);
        http.Response.Headers[FcHeaders.Status] = "200";
        if (http.Request.ContentLength > options.MaxEventBytes)
        {
            // Refused before the app runs, so an endpoint that never reads its body cannot invite one with 100 Continue
            // either; Kestrel, held to the request's limit above, does not read it after the answer.
            _logger.LogWarning("Refused {Method} {Path}: its body of {Declared} bytes is over the limit of {Limit} bytes.",
                http.Request.Method, http.Request.Path.Value, http.Request.ContentLength, options.MaxEventBytes);
            var tooLarge = new BadHttpRequestException($"Request body too large. The max request body size is {options.MaxEventBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
            await Invoker.WriteErrorAsync(http, WebError(tooLarge, context.RequestId), context, tooLarge.StatusCode, _logger, closeConnection: true);
            InvocationActivity.Complete(activity, http);
            return;
        }
        try
        {
            // A web function must not depend on FC's /initialize call (s local never makes it): the initializer runs
            // before the first call FC marks with a request id. Probes and health checks without one do not wait for it.
            if (frame is not null) await invoker.EnsureInitializedAsync(context, deadline.Token);
            await next(http);
            if (IsUnansweredReadinessProbe(http))
            {
                http.Response.StatusCode = StatusCodes.Status200OK;
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync("ready", http.RequestAborted);
            }
        }
        catch (Exception exception) when (!http.RequestAborted.IsCancellationRequested)
        {
            // The whole exception (message, inner exceptions, frames) goes to the log only, masked and under the request id.
            _logger.LogError(exception, "Unhandled exception in {Method} {Path}", http.Request.Method, http.Request.Path.Value);
            InvocationActivity.Fail(activity, exception, context);
            await Invoker.WriteErrorAsync(http, WebError(exception, context.RequestId), context, WebStatus(exception), _logger);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("The caller closed the connection before {Method} {Path} finished.", http.Request.Method, http.Request.Path.Value);
        }
        finally
        {
            InvocationActivity.Complete(activity, http);
            frame?.End();
        }
    }

    /// <summary>
    /// What a web caller, who may be anyone on the internet, learns of an unhandled exception: that it happened and the
    /// request id under which the owner finds it in the function log; no message, type or frame of the exception, which
    /// may name files, hosts, queries or data. A request Kestrel refused (body over the limit, bad framing) is the
    /// caller's own doing: it keeps Kestrel's reason, still without frames.
    /// </summary>
    internal static ErrorResponse WebError(Exception exception, string requestId) => exception is BadHttpRequestException
        ? Invoker.Verdict(exception)
        : new ErrorResponse($"The function failed to handle the request; its log has the details under request id {requestId}.", "InternalServerError", []);

    /// <summary>A request Kestrel refused keeps Kestrel's status (413, 400...); anything else is the app's fault.</summary>
    private static int WebStatus(Exception exception) =>
        exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;

    /// <summary>
    /// <c>s local</c> and health checks wait for any answer to <c>GET /</c>; an event-only app has no
    /// endpoint there, so the runtime answers it, unless the app mapped <c>/</c> itself.
    /// </summary>
    private static bool IsUnansweredReadinessProbe(HttpContext http) =>
        http.Request.Path == "/" && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
        && !http.Response.HasStarted && http.Response.StatusCode == StatusCodes.Status404NotFound && http.GetEndpoint() is null;
}
