using FunctionCompute.Credentials;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FunctionCompute.Runtime;

/// <summary>
/// The immutable <see cref="IFcContext"/> of one invocation. The runtime builds it from the request
/// headers (<c>FcContextParser</c>); tests can build one directly.
/// </summary>
public sealed class FcContext : IFcContext
{
    /// <inheritdoc />
    public required string RequestId { get; init; }
    /// <inheritdoc />
    public CloudCredentials Credentials { get; init; } = CloudCredentials.None;
    /// <inheritdoc />
    public FunctionParam FunctionParam { get; init; } = new();
    /// <inheritdoc />
    public ServiceMeta ServiceMeta { get; init; } = new();
    /// <inheritdoc />
    public string Region { get; init; } = "";
    /// <inheritdoc />
    public string AccountId { get; init; } = "";
    /// <inheritdoc />
    public string? InstanceId { get; init; }
    /// <inheritdoc />
    public string? TraceParent { get; init; }
    /// <inheritdoc />
    public string? TraceState { get; init; }
    /// <inheritdoc />
    public DateTimeOffset? Deadline { get; init; }
    /// <inheritdoc />
    public CancellationToken CancellationToken { get; init; }
    /// <inheritdoc />
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>Clock used for <see cref="RemainingTime"/>; the system clock unless a test sets one.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <inheritdoc />
    public TimeSpan RemainingTime => Deadline is { } deadline
        ? (deadline - Clock.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero)
        : Timeout.InfiniteTimeSpan;

    /// <summary>A description for logs: ids and configuration, never the credentials' secret or token.</summary>
    public override string ToString() =>
        $"FcContext {{ RequestId = {RequestId}, Function = {FunctionParam.FunctionName}, Handler = {FunctionParam.FunctionHandler}, " +
        $"Region = {Region}, Credentials = {Credentials}, Deadline = {(Deadline is { } d ? d.ToString("O") : "none")} }}";
}
