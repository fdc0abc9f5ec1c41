using Microsoft.AspNetCore.Http;

namespace FunctionCompute.Runtime.Contract;

/// <summary>What kind of call FC made.</summary>
public enum CallKind
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
public static class ContractCall
{
    /// <summary>
    /// Classifies a request. FC names the call in <c>x-fc-control-path</c>; <c>s local</c> sends
    /// <c>POST /invoke</c> without it, so the bare lifecycle paths are recognised too. A bare
    /// <c>POST /invoke</c> is an event only when the app has event handlers: a web app may own that path.
    /// </summary>
    public static CallKind Classify(HttpRequest request, bool appHasEventHandlers)
    {
        var controlPath = request.Headers[FcHeaders.ControlPath].ToString();
        if (controlPath.Length > 0)
        {
            return controlPath switch
            {
                ControlPaths.Invoke => CallKind.Invoke,
                ControlPaths.Initialize => CallKind.Initialize,
                ControlPaths.PreStop => CallKind.PreStop,
                ControlPaths.PreFreeze => CallKind.PreFreeze,
                _ => CallKind.Http,
            };
        }

        var path = request.Path.Value;
        if (HttpMethods.IsPost(request.Method))
        {
            if (path == ControlPaths.Invoke && appHasEventHandlers) return CallKind.Invoke;
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
