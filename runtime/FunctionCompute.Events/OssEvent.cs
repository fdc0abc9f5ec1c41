using System.Globalization;
using System.Text.Json.Serialization;

namespace FunctionCompute.Events;

// Shape: "Formats of event for different triggers", OSS trigger section:
//   https://www.alibabacloud.com/help/en/fc/user-guide/formats-of-event-for-different-triggers
//   https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/formats-of-event-for-different-triggers-1
// (the FC 3.0 page adds oss.object.objectMeta; its fields are not listed in the excerpt we checked, so it is kept as raw JSON).

/// <summary>The event an OSS trigger sends: one or more object notifications in <c>events</c>.</summary>
public sealed record OssEvent
{
    /// <summary>The notifications (FC sends one per invocation in practice, the format allows several); never null.</summary>
    public IReadOnlyList<OssEventRecord> Events { get => _events; init => _events = value ?? []; }

    private readonly IReadOnlyList<OssEventRecord> _events = [];
}

/// <summary>One OSS object notification.</summary>
public sealed record OssEventRecord
{
    /// <summary>The event type without the <c>oss:</c> prefix, e.g. <c>ObjectCreated:PutObject</c>.</summary>
    public string? EventName { get; init; }
    /// <summary>Always <c>acs:oss</c>.</summary>
    public string? EventSource { get; init; }
    /// <summary>When the event happened, ISO 8601 as sent (e.g. <c>2022-08-13T06:45:43.000Z</c>); see <see cref="EventTimeUtc"/>.</summary>
    public string? EventTime { get; init; }
    /// <summary>The event protocol version (<c>1.0</c>).</summary>
    public string? EventVersion { get; init; }
    /// <summary>The bucket and object.</summary>
    public OssEventDetail? Oss { get; init; }
    /// <summary>The bucket's region id, e.g. <c>cn-hangzhou</c>.</summary>
    public string? Region { get; init; }
    /// <summary>Where the request that caused the event came from.</summary>
    public OssRequestParameters? RequestParameters { get; init; }
    /// <summary>The OSS request id of the request that caused the event.</summary>
    public OssResponseElements? ResponseElements { get; init; }
    /// <summary>Who made the request.</summary>
    public OssUserIdentity? UserIdentity { get; init; }

    /// <summary><see cref="EventTime"/> parsed, or null when absent or not a timestamp.</summary>
    [JsonIgnore]
    public DateTimeOffset? EventTimeUtc => EventFormats.ParseTime(EventTime);

    /// <summary>Whether this is an <c>ObjectCreated:*</c> event (put, post, copy, append, multipart complete, symlink).</summary>
    [JsonIgnore]
    public bool IsObjectCreated => EventName?.StartsWith("ObjectCreated:", StringComparison.Ordinal) == true;

    /// <summary>Whether this is an <c>ObjectRemoved:*</c> event.</summary>
    [JsonIgnore]
    public bool IsObjectRemoved => EventName?.StartsWith("ObjectRemoved:", StringComparison.Ordinal) == true;
}

/// <summary>The <c>oss</c> part of a notification.</summary>
public sealed record OssEventDetail
{
    /// <summary>The bucket.</summary>
    public OssBucket? Bucket { get; init; }
    /// <summary>The object.</summary>
    public OssObject? Object { get; init; }
    /// <summary>The notification schema version (<c>1.0</c>).</summary>
    public string? OssSchemaVersion { get; init; }
    /// <summary>The id of the trigger rule that matched.</summary>
    public string? RuleId { get; init; }
}

/// <summary>The bucket of a notification.</summary>
public sealed record OssBucket
{
    /// <summary>The bucket's name.</summary>
    public string? Name { get; init; }
    /// <summary>Its ARN, <c>acs:oss:&lt;region&gt;:&lt;account&gt;:&lt;bucket&gt;</c>.</summary>
    public string? Arn { get; init; }
    /// <summary>The owner's account id.</summary>
    public string? OwnerIdentity { get; init; }
}

/// <summary>The object of a notification.</summary>
public sealed record OssObject
{
    /// <summary>The object's key, e.g. <c>source/a.png</c>, as the event carries it.</summary>
    public string? Key { get; init; }
    /// <summary>The object's size in bytes.</summary>
    public long? Size { get; init; }
    /// <summary>How much the size changed (bytes; negative when it shrank).</summary>
    public long? DeltaSize { get; init; }
    /// <summary>The object's ETag (no quotes).</summary>
    [JsonPropertyName("eTag")]
    public string? ETag { get; init; }
    /// <summary>The object's metadata (FC 3.0 pages show it; kept as the JSON sent).</summary>
    public System.Text.Json.JsonElement? ObjectMeta { get; init; }
}

/// <summary>The <c>requestParameters</c> of a notification.</summary>
public sealed record OssRequestParameters
{
    /// <summary>The caller's IP address (masked in the docs' sample).</summary>
    [JsonPropertyName("sourceIPAddress")]
    public string? SourceIPAddress { get; init; }
}

/// <summary>The <c>responseElements</c> of a notification.</summary>
public sealed record OssResponseElements
{
    /// <summary>The OSS request id of the request that caused the event.</summary>
    public string? RequestId { get; init; }
}

/// <summary>The <c>userIdentity</c> of a notification.</summary>
public sealed record OssUserIdentity
{
    /// <summary>The id of the account or RAM user that made the request.</summary>
    public string? PrincipalId { get; init; }
}

internal static class EventFormats
{
    public static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
}
