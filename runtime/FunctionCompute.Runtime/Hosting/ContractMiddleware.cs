using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Diagnostics;
using FunctionCompute.Runtime.Invocation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Hosting;

/// <summary>
/// The first thing every request meets: FC's control calls (invoke, initialize, pre-stop, pre-freeze)
/// are answered here and never reach the app's endpoints; HTTP calls go on to the app with their
/// <see cref="IFcContext"/> attached.
/// </summary>
internal sealed class ContractMiddleware(RequestDelegate next, FunctionPipeline pipeline, CallServices services, FunctionAppOptions options,
    EndpointDataSource? endpoints)
{
    private readonly ILogger _logger = services.RuntimeLogger;

    /// <summary>
    /// Whether a control path without <c>x-fc-control-path</c> is a control call: only in an event-only app (event handlers,
    /// no web endpoints). Read per request from routing's composite data source, which holds every endpoint the app maps
    /// (minimal APIs, controllers, fallbacks), so an endpoint mapped late still makes the app a web app.
    /// </summary>
    private bool AcceptsBareControlPaths => !pipeline.Registry.IsEmpty && endpoints is { Endpoints.Count: 0 };

    public Task InvokeAsync(HttpContext http)
    {
        // The endpoint check only for a request FC did not name: reading the endpoints builds them all (the first time),
        // which an invocation, FC's first call on a cold instance, does not need to wait for.
        var kind = ContractCall.FromControlHeader(http.Request)
            ?? (AcceptsBareControlPaths ? ContractCall.ClassifyBarePath(http.Request) : CallKind.Http);
        return kind == CallKind.Http ? HandleHttpAsync(http) : pipeline.RunAsync(new HttpFcCall(http, kind, services, options));
    }

    private async Task HandleHttpAsync(HttpContext http)
    {
        using var call = new HttpFcCall(http, CallKind.Http, services, options);
        call.Open();
        var context = call.Context;
        http.Features.Set<IFcContextFeature>(new FcContextFeature(context));
        http.Response.Headers[FcHeaders.Status] = "200";
        if (http.Request.ContentLength > options.MaxEventBytes)
        {
            // Refused before the app runs, so an endpoint that never reads its body cannot invite one with 100 Continue
            // either; Kestrel, held to the request's limit, does not read it after the answer.
            _logger.LogWarning("Refused {Method} {Path}: its body of {Declared} bytes is over the limit of {Limit} bytes.",
                http.Request.Method, http.Request.Path.Value, http.Request.ContentLength, options.MaxEventBytes);
            var tooLarge = new BadHttpRequestException($"Request body too large. The max request body size is {options.MaxEventBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
            await call.WriteErrorAsync(tooLarge.StatusCode, WebError(tooLarge, context.RequestId), closeConnection: true);
            InvocationActivity.Complete(call.Activity, http);
            await call.FinishAsync(errorType: null, timedOut: false, resultBytes: null);
            return;
        }
        call.EventBytes = http.Request.ContentLength;
        string? errorType = null;
        try
        {
            // A web function must not depend on FC's /initialize call (s local never makes it): the initializer runs
            // before the first call FC marks with a request id. Probes and health checks without one do not wait for it.
            if (call.Framed) await pipeline.Initializer.EnsureAsync(context, call.Token);
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
            InvocationActivity.Fail(call.Activity, exception, context);
            errorType = exception.GetType().FullName;
            await call.WriteErrorAsync(WebStatus(exception), WebError(exception, context.RequestId));
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("The caller closed the connection before {Method} {Path} finished.", http.Request.Method, http.Request.Path.Value);
        }
        finally
        {
            // The status and route are known only now. The endpoint has returned: the span ends and the export (if
            // any) sends it before the middleware returns, that is before a chunked answer's last chunk goes out (an
            // answer of a declared length is on its way already: FC may freeze before the flush has finished).
            InvocationActivity.Complete(call.Activity, http);
            var status = http.Response.StatusCode;
            if (errorType is null && status >= 500) errorType = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await call.FinishAsync(errorType, timedOut: false, http.Response.ContentLength);
        }
    }

    /// <summary>
    /// What a web caller, who may be anyone on the internet, learns of an unhandled exception: that it happened and the
    /// request id under which the owner finds it in the function log; no message, type or frame of the exception, which
    /// may name files, hosts, queries or data. A request Kestrel refused (body over the limit, bad framing) is the
    /// caller's own doing: it keeps Kestrel's reason, still without frames.
    /// </summary>
    internal static ErrorResponse WebError(Exception exception, string requestId) => exception is BadHttpRequestException
        ? ErrorAnswer.Verdict(exception)
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
