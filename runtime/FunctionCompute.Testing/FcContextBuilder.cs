using FunctionCompute.Credentials;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FunctionCompute.Testing;

/// <summary>
/// Builds the <see cref="FcContext"/> of a test invocation, with the defaults of a typical function: a fresh request id,
/// test STS credentials, <c>test-function</c> in <c>cn-hangzhou</c>, 512 MB, a 30 s timeout. Change only what the test is about:
/// <code>new FcContextBuilder().WithRequestId("req-1").WithoutCredentials().WithTimeout(TimeSpan.FromSeconds(2))</code>
/// </summary>
public sealed class FcContextBuilder
{
    /// <summary>The credentials a test context carries unless told otherwise (STS-shaped, never valid anywhere).</summary>
    public static CloudCredentials TestCredentials { get; } = new("STS.TestAccessKeyId", "test-access-key-secret", "test-security-token");

    private string? _requestId;
    private CloudCredentials _credentials = TestCredentials;
    private FunctionParam _function = new() { FunctionName = "test-function", MemoryLimitInMB = 512, FunctionTimeout = 30 };
    private ServiceMeta _service = new() { Qualifier = "LATEST" };
    private string _region = "cn-hangzhou";
    private string _accountId = "1234567890123456";
    private string? _instanceId;
    private string? _traceParent;
    private CancellationToken _cancellation;
    private ILogger? _logger;
    private TimeProvider _clock = TimeProvider.System;

    /// <summary>The request id (a fresh GUID for every <see cref="Build()"/> when not set).</summary>
    public FcContextBuilder WithRequestId(string requestId) { _requestId = requestId; return this; }

    /// <summary>The invocation's credentials.</summary>
    public FcContextBuilder WithCredentials(CloudCredentials credentials) { _credentials = credentials; return this; }

    /// <summary>The invocation's credentials from their parts.</summary>
    public FcContextBuilder WithCredentials(string accessKeyId, string accessKeySecret, string? securityToken = null) =>
        WithCredentials(new CloudCredentials(accessKeyId, accessKeySecret, securityToken));

    /// <summary>No credentials: a function without a role.</summary>
    public FcContextBuilder WithoutCredentials() => WithCredentials(CloudCredentials.None);

    /// <summary>The function's name (and optionally its <c>handler</c> setting).</summary>
    public FcContextBuilder WithFunction(string functionName, string? handler = null)
    {
        _function = _function with { FunctionName = functionName, FunctionHandler = handler ?? _function.FunctionHandler };
        return this;
    }

    /// <summary>The function's <c>handler</c> setting (what FC sends as <c>x-fc-function-handler</c>).</summary>
    public FcContextBuilder WithHandler(string handler) { _function = _function with { FunctionHandler = handler }; return this; }

    /// <summary>The memory limit in MB.</summary>
    public FcContextBuilder WithMemory(int megabytes) { _function = _function with { MemoryLimitInMB = megabytes }; return this; }

    /// <summary>The function timeout (whole seconds, at least 1): sets the deadline and cancels the invocation when it passes.</summary>
    public FcContextBuilder WithTimeout(TimeSpan timeout)
    {
        _function = _function with { FunctionTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)) };
        return this;
    }

    /// <summary>No timeout: no deadline, never cancelled by time.</summary>
    public FcContextBuilder WithoutTimeout() { _function = _function with { FunctionTimeout = null }; return this; }

    /// <summary>The configured initializer (and its timeout in seconds).</summary>
    public FcContextBuilder WithInitializer(string initializer, int timeoutSeconds = 30)
    {
        _function = _function with { FunctionInitializer = initializer, InitializationTimeout = timeoutSeconds };
        return this;
    }

    /// <summary>Replaces the whole <see cref="FunctionParam"/>.</summary>
    public FcContextBuilder WithFunctionParam(FunctionParam function) { _function = function; return this; }

    /// <summary>The service meta (qualifier, version, log target).</summary>
    public FcContextBuilder WithServiceMeta(ServiceMeta service) { _service = service; return this; }

    /// <summary>The region id.</summary>
    public FcContextBuilder WithRegion(string region) { _region = region; return this; }

    /// <summary>The owner's account id.</summary>
    public FcContextBuilder WithAccountId(string accountId) { _accountId = accountId; return this; }

    /// <summary>The instance id.</summary>
    public FcContextBuilder WithInstanceId(string instanceId) { _instanceId = instanceId; return this; }

    /// <summary>The W3C <c>traceparent</c>.</summary>
    public FcContextBuilder WithTraceParent(string traceParent) { _traceParent = traceParent; return this; }

    /// <summary>A token that cancels the invocation (as a vanished caller would).</summary>
    public FcContextBuilder WithCancellation(CancellationToken token) { _cancellation = token; return this; }

    /// <summary>The context's logger (the test kit uses the app's FC logger when not set).</summary>
    public FcContextBuilder WithLogger(ILogger logger) { _logger = logger; return this; }

    /// <summary>The clock for the deadline and <see cref="IFcContext.RemainingTime"/>.</summary>
    public FcContextBuilder WithClock(TimeProvider clock) { _clock = clock; return this; }

    /// <summary>The request id that <see cref="Build()"/> will use, or null when each build makes a fresh one.</summary>
    public string? RequestId => _requestId;

    /// <summary>The function settings so far.</summary>
    public FunctionParam FunctionParam => _function;

    /// <summary>Builds the context.</summary>
    public FcContext Build() => Build(null, null);

    internal FcContext Build(CancellationToken? cancellation, ILogger? fallbackLogger) => new()
    {
        RequestId = _requestId ?? FcContextParser.NewRequestId(),
        Credentials = _credentials,
        FunctionParam = _function,
        ServiceMeta = _service,
        Region = _region,
        AccountId = _accountId,
        InstanceId = _instanceId,
        TraceParent = _traceParent,
        Deadline = _function.FunctionTimeout is > 0 and var seconds ? _clock.GetUtcNow().AddSeconds(seconds) : null,
        CancellationToken = cancellation ?? _cancellation,
        Logger = _logger ?? fallbackLogger ?? NullLogger.Instance,
        Clock = _clock,
    };

    internal CancellationToken Cancellation => _cancellation;
}
