namespace FunctionCompute.Runtime.Contract;

/// <summary>The request and response header names of the FC custom-runtime contract.</summary>
public static class FcHeaders
{
    /// <summary>The invocation id; every log line of the invocation carries it.</summary>
    public const string RequestId = "x-fc-request-id";
    /// <summary>Names the kind of call (<see cref="ControlPaths"/>).</summary>
    public const string ControlPath = "x-fc-control-path";
    /// <summary>STS access key id of the function's role, for this request.</summary>
    public const string AccessKeyId = "x-fc-access-key-id";
    /// <summary>STS access key secret of the function's role, for this request. Never logged.</summary>
    public const string AccessKeySecret = "x-fc-access-key-secret";
    /// <summary>STS security token of the function's role, for this request. Never logged.</summary>
    public const string SecurityToken = "x-fc-security-token";
    /// <summary>The function's name.</summary>
    public const string FunctionName = "x-fc-function-name";
    /// <summary>The function's configured handler string; this runtime routes event invocations by it.</summary>
    public const string FunctionHandler = "x-fc-function-handler";
    /// <summary>Memory limit in MB.</summary>
    public const string FunctionMemory = "x-fc-function-memory";
    /// <summary>Function timeout in seconds.</summary>
    public const string FunctionTimeout = "x-fc-function-timeout";
    /// <summary>The configured initializer handler.</summary>
    public const string FunctionInitializer = "x-fc-function-initializer";
    /// <summary>Initializer timeout in seconds.</summary>
    public const string InitializationTimeout = "x-fc-initialization-timeout";
    /// <summary>The configured pre-stop hook handler.</summary>
    public const string PreStopHandler = "x-fc-instance-lifecycle-pre-stop-handler";
    /// <summary>The configured pre-freeze hook handler (FC 2.0).</summary>
    public const string PreFreezeHandler = "x-fc-instance-lifecycle-pre-freeze-handler";
    /// <summary>The region id, e.g. <c>cn-hangzhou</c>.</summary>
    public const string Region = "x-fc-region";
    /// <summary>The function owner's account id.</summary>
    public const string AccountId = "x-fc-account-id";
    /// <summary>The alias or version invoked (<c>LATEST</c> by default).</summary>
    public const string Qualifier = "x-fc-qualifier";
    /// <summary>The version invoked.</summary>
    public const string VersionId = "x-fc-version-id";
    /// <summary>The service name (FC 2.0).</summary>
    public const string ServiceName = "x-fc-service-name";
    /// <summary>The SLS project the function logs to.</summary>
    public const string LogProject = "x-fc-service-logproject";
    /// <summary>The SLS logstore the function logs to.</summary>
    public const string LogStore = "x-fc-service-logstore";
    /// <summary>The instance id, where FC sends it.</summary>
    public const string InstanceId = "x-fc-instance-id";
    /// <summary>W3C trace context.</summary>
    public const string TraceParent = "traceparent";
    /// <summary>W3C trace state.</summary>
    public const string TraceState = "tracestate";

    /// <summary>Response header: <c>200</c> when the invocation succeeded, <c>404</c> when it failed.</summary>
    public const string Status = "x-fc-status";
}

/// <summary>The values of <see cref="FcHeaders.ControlPath"/> (and the paths FC calls).</summary>
public static class ControlPaths
{
    /// <summary>An event invocation: <c>POST /invoke</c>.</summary>
    public const string Invoke = "/invoke";
    /// <summary>An HTTP invocation (FC 2.0 marks web requests with it; FC 3.0 forwards them as they are).</summary>
    public const string HttpInvoke = "/http-invoke";
    /// <summary>The initializer hook: <c>POST /initialize</c>, once per instance.</summary>
    public const string Initialize = "/initialize";
    /// <summary>The pre-stop hook: <c>GET /pre-stop</c>.</summary>
    public const string PreStop = "/pre-stop";
    /// <summary>The pre-freeze hook (FC 2.0): <c>GET /pre-freeze</c>.</summary>
    public const string PreFreeze = "/pre-freeze";
}
