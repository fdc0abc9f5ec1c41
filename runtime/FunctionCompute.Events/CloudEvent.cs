using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace FunctionCompute.Events;

/// <summary>
/// A CloudEvents 1.0 event (JSON format) as EventBridge delivers it to FC (EventBridge-based triggers: OSS, MNS,
/// RocketMQ, Kafka, ... and Alibaba Cloud service events), with EventBridge's <c>aliyun*</c> extension attributes.
/// Shape: CloudEvents 1.0 JSON format (https://github.com/cloudevents/spec) and EventBridge's event overview
/// (https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-overview). The extension names are the ones
/// EventBridge documents; <c>data</c> depends on the source and is kept as raw JSON: read it with <see cref="GetData{T}"/>.
/// </summary>
public sealed record CloudEvent
{
    /// <summary>The event id (unique per source).</summary>
    [JsonPropertyName("id")] public string? Id { get; init; }
    /// <summary>The event source, e.g. <c>acs.oss</c>.</summary>
    [JsonPropertyName("source")] public string? Source { get; init; }
    /// <summary>The CloudEvents version, <c>1.0</c>.</summary>
    [JsonPropertyName("specversion")] public string? SpecVersion { get; init; }
    /// <summary>The event type, e.g. <c>oss:ObjectCreated:PutObject</c>.</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }
    /// <summary>The media type of <see cref="Data"/>, e.g. <c>application/json;charset=utf-8</c>.</summary>
    [JsonPropertyName("datacontenttype")] public string? DataContentType { get; init; }
    /// <summary>The schema of <see cref="Data"/>, if any.</summary>
    [JsonPropertyName("dataschema")] public string? DataSchema { get; init; }
    /// <summary>The subject (for OSS: the object's ARN-like path).</summary>
    [JsonPropertyName("subject")] public string? Subject { get; init; }
    /// <summary>When the event happened, RFC 3339 as sent.</summary>
    [JsonPropertyName("time")] public string? Time { get; init; }
    /// <summary>The payload (JSON); absent when the event carries <see cref="DataBase64"/>.</summary>
    [JsonPropertyName("data")] public JsonElement? Data { get; init; }
    /// <summary>A binary payload, base64 (CloudEvents JSON format's <c>data_base64</c>).</summary>
    [JsonPropertyName("data_base64")] public string? DataBase64 { get; init; }
    /// <summary>EventBridge: the account the event belongs to.</summary>
    [JsonPropertyName("aliyunaccountid")] public string? AliyunAccountId { get; init; }
    /// <summary>EventBridge: the event bus.</summary>
    [JsonPropertyName("aliyuneventbusname")] public string? AliyunEventBusName { get; init; }
    /// <summary>EventBridge: when the event was published to the bus.</summary>
    [JsonPropertyName("aliyunpublishtime")] public string? AliyunPublishTime { get; init; }
    /// <summary>EventBridge: the region of the bus.</summary>
    [JsonPropertyName("aliyunregionid")] public string? AliyunRegionId { get; init; }
    /// <summary>EventBridge: the account that published the event, when it differs.</summary>
    [JsonPropertyName("aliyunoriginalaccountid")] public string? AliyunOriginalAccountId { get; init; }
    /// <summary>EventBridge: the address that published the event.</summary>
    [JsonPropertyName("aliyunpublishaddr")] public string? AliyunPublishAddr { get; init; }

    /// <summary><see cref="Data"/> read as <typeparamref name="T"/>; default when there is no JSON data.</summary>
    /// <exception cref="JsonException">The data does not fit <typeparamref name="T"/>.</exception>
    public T? GetData<T>(JsonTypeInfo<T> type) => Data is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } data ? data.Deserialize(type) : default;

    /// <summary>The payload as bytes: <see cref="DataBase64"/> decoded, a JSON string's text, or the raw JSON of other data.</summary>
    public byte[] GetDataBytes() =>
        DataBase64 is not null ? Convert.FromBase64String(DataBase64)
        : Data is not { } data ? []
        : data.ValueKind == JsonValueKind.String ? Encoding.UTF8.GetBytes(data.GetString()!)
        : Encoding.UTF8.GetBytes(data.GetRawText());
}
