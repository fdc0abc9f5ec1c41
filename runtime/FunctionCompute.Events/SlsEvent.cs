using System.Text.Json;

namespace FunctionCompute.Events;

// Shape: Simple Log Service "Custom function development" (function event), and FC's SLS trigger page:
//   https://www.alibabacloud.com/help/en/sls/user-guide/create-a-custom-function
//   https://www.alibabacloud.com/help/en/functioncompute/fc/user-guide/simple-log-service-triggers

/// <summary>The event an SLS (log) trigger sends: which shard range of which logstore to read.</summary>
public sealed record SlsEvent
{
    /// <summary>The SLS ETL job's name (one per trigger).</summary>
    public string? JobName { get; init; }
    /// <summary>Identifies this invocation within the job.</summary>
    public string? TaskId { get; init; }
    /// <summary>Unix time (seconds) when the last log of this range reached SLS.</summary>
    public long? CursorTime { get; init; }
    /// <summary>The data range to read: <c>[beginCursor, endCursor)</c> of one shard.</summary>
    public SlsSource? Source { get; init; }
    /// <summary>The trigger's function configuration (a JSON object you set on the trigger), as sent.</summary>
    public JsonElement? Parameter { get; init; }
}

/// <summary>The <c>source</c> of an <see cref="SlsEvent"/>.</summary>
public sealed record SlsSource
{
    /// <summary>The SLS endpoint of the project's region, e.g. <c>http://cn-hangzhou-intranet.log.aliyuncs.com</c>.</summary>
    public string? Endpoint { get; init; }
    /// <summary>The SLS project.</summary>
    public string? ProjectName { get; init; }
    /// <summary>The logstore.</summary>
    public string? LogstoreName { get; init; }
    /// <summary>The shard.</summary>
    public int? ShardId { get; init; }
    /// <summary>Where to start reading (inclusive).</summary>
    public string? BeginCursor { get; init; }
    /// <summary>Where to stop reading (exclusive).</summary>
    public string? EndCursor { get; init; }
}
