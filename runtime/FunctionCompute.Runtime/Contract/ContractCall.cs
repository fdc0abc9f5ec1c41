using Microsoft.AspNetCore.Http;

namespace FunctionCompute.Runtime.Contract;

/// <summary>What kind of call FC made.</summary>
internal enum CallKind
{
    /// <summary>An HTTP request for the app's own endpoints (web functions, HTTP triggers).</summary>
    Http,
    /// <summary>An event invocation.</summary>
    Invoke,
    /// <summary>The initializer hook.</summary>
    Initialize,
    /// <summary>The pre-stop hook.</summary>
    PreStop,
    /// <summary>The pre-freeze hook (FC 2.0).</summary>
    PreFreeze,
}

/// <summary>Tells the kind of a call from its <c>x-fc-control-path</c> header, or from its path when the header is absent.</summary>
internal static class ContractCall
{
    /// <summary>
    /// The kind <c>x-fc-control-path</c> names, or null when the request has none. FC names every call it makes in that
    /// header, and a caller of an HTTP trigger cannot set it (FC refuses custom request headers that start with
    /// <c>x-fc-</c>), so when the header is present it decides. Without it, see <see cref="ClassifyBarePath"/>.
    /// </summary>
    public static CallKind? FromControlHeader(HttpRequest request)
    {
        var controlPath = request.Headers[FcHeaders.ControlPath].ToString();
        if (controlPath.Length == 0) return null;
        return controlPath switch
        {
            ControlPaths.Invoke => CallKind.Invoke,
            ControlPaths.Initialize => CallKind.Initialize,
            ControlPaths.PreStop => CallKind.PreStop,
            ControlPaths.PreFreeze => CallKind.PreFreeze,
            _ => CallKind.Http,
        };
    }

    /// <summary>
    /// The kind of a request without <c>x-fc-control-path</c> in an event-only app (event handlers, no web endpoints):
    /// a bare <c>POST /invoke</c>, <c>POST /initialize</c>, <c>GET /pre-stop</c> or <c>GET /pre-freeze</c> is a control
    /// call, as <c>s local</c>'s agent may make it. Only for such an app: for a web app those requests may come from
    /// anyone through its HTTP trigger, so they go to the app's own routes (its endpoint or 404), never to a handler or a hook.
    /// </summary>
    public static CallKind ClassifyBarePath(HttpRequest request)
    {
        var path = request.Path.Value;
        if (HttpMethods.IsPost(request.Method))
        {
            if (path == ControlPaths.Invoke) return CallKind.Invoke;
            if (path == ControlPaths.Initialize) return CallKind.Initialize;
        }
        else if (HttpMethods.IsGet(request.Method))
        {
            if (path == ControlPaths.PreStop) return CallKind.PreStop;
            if (path == ControlPaths.PreFreeze) return CallKind.PreFreeze;
        }
        return CallKind.Http;
    }
}
