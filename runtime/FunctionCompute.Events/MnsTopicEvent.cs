using System.Text.Json.Serialization;

namespace FunctionCompute.Events;

/// <summary>
/// The event an MNS topic trigger sends when its event format is <c>JSON</c> (with <c>STREAM</c> the event is the
/// message body alone). Field names are PascalCase as FC's "Formats of event for different triggers" page shows them:
/// https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/formats-of-event-for-different-triggers-1
/// (MNS topic triggers). Written from memory of that page's sample: check before relying on the less common fields.
/// </summary>
public sealed record MnsTopicEvent
{
    /// <summary>The topic owner's account id.</summary>
    [JsonPropertyName("TopicOwner")] public string? TopicOwner { get; init; }
    /// <summary>The message body.</summary>
    [JsonPropertyName("Message")] public string? Message { get; init; }
    /// <summary>The subscriber's account id.</summary>
    [JsonPropertyName("Subscriber")] public string? Subscriber { get; init; }
    /// <summary>When the message was published, Unix milliseconds.</summary>
    [JsonPropertyName("PublishTime")] public long? PublishTime { get; init; }
    /// <summary>The subscription's name.</summary>
    [JsonPropertyName("SubscriptionName")] public string? SubscriptionName { get; init; }
    /// <summary>The MD5 of the message body (hex, upper case).</summary>
    [JsonPropertyName("MessageMD5")] public string? MessageMD5 { get; init; }
    /// <summary>The topic's name.</summary>
    [JsonPropertyName("TopicName")] public string? TopicName { get; init; }
    /// <summary>The message id.</summary>
    [JsonPropertyName("MessageId")] public string? MessageId { get; init; }
    /// <summary>Message attributes, when the publisher set any (kept as sent).</summary>
    [JsonPropertyName("MessageAttributes")] public System.Text.Json.JsonElement? MessageAttributes { get; init; }

    /// <summary><see cref="PublishTime"/> as a time, or null.</summary>
    [JsonIgnore]
    public DateTimeOffset? PublishTimeUtc => PublishTime is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
