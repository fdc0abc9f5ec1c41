using System.Text.Json.Serialization;

namespace FunctionCompute.Events;

/// <summary>
/// The event a timer (time) trigger sends: <c>{"triggerTime":"2023-12-26T07:49:00Z","triggerName":"timer-trigger","payload":"awesome-fc"}</c>.
/// Shape: https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/formats-of-event-for-different-triggers-1 (time triggers).
/// </summary>
public sealed record TimerEvent
{
    /// <summary>When the trigger fired, ISO 8601 UTC as sent; see <see cref="TriggerTimeUtc"/>.</summary>
    public string? TriggerTime { get; init; }
    /// <summary>The trigger's name.</summary>
    public string? TriggerName { get; init; }
    /// <summary>The trigger message configured on the trigger (a string; often JSON the function parses itself).</summary>
    public string? Payload { get; init; }

    /// <summary><see cref="TriggerTime"/> parsed, or null when absent or not a timestamp.</summary>
    [JsonIgnore]
    public DateTimeOffset? TriggerTimeUtc => EventFormats.ParseTime(TriggerTime);
}
