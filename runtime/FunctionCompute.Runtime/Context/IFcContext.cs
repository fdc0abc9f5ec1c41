using FunctionCompute.Credentials;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime;

/// <summary>
/// Everything FC tells a function about one invocation, parsed once from the request headers.
/// The names follow FC's retired .NET runtime (<c>Aliyun.Serverless.Core</c>'s <c>IFcContext</c>)
/// so code moving from it reads the same.
/// </summary>
public interface IFcContext
{
    /// <summary>The invocation id (<c>x-fc-request-id</c>); every log line of the invocation carries it.</summary>
    string RequestId { get; }

    /// <summary>
    /// The STS credentials of the function's role for this invocation, or <see cref="CloudCredentials.None"/>
    /// when the function has no role. Take them from here on every invocation: they rotate.
    /// </summary>
    CloudCredentials Credentials { get; }

    /// <summary>The function's configuration: name, handler, memory, timeouts, initializer.</summary>
    FunctionParam FunctionParam { get; }

    /// <summary>Service, qualifier, version and log target of the function.</summary>
    ServiceMeta ServiceMeta { get; }

    /// <summary>The region id, e.g. <c>cn-hangzhou</c> (empty when unknown).</summary>
    string Region { get; }

    /// <summary>The function owner's account id (empty when unknown).</summary>
    string AccountId { get; }

    /// <summary>The instance id, where FC sends it.</summary>
    string? InstanceId { get; }

    /// <summary>W3C <c>traceparent</c> of the invocation, where present.</summary>
    string? TraceParent { get; }

    /// <summary>W3C <c>tracestate</c> of the invocation, where present.</summary>
    string? TraceState { get; }

    /// <summary>When the invocation times out (start + function timeout); null when no timeout was given.</summary>
    DateTimeOffset? Deadline { get; }

    /// <summary>Time left until <see cref="Deadline"/>; <see cref="Timeout.InfiniteTimeSpan"/> without one.</summary>
    TimeSpan RemainingTime { get; }

    /// <summary>Cancelled when the invocation times out or the caller goes away.</summary>
    CancellationToken CancellationToken { get; }

    /// <summary>A logger whose lines carry this invocation's request id, in FC's log format.</summary>
    ILogger Logger { get; }
}
