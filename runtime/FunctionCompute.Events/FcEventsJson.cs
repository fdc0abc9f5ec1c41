using System.Text.Json.Serialization;

namespace FunctionCompute.Events;

/// <summary>
/// Source-generated JSON contracts of the trigger events (no reflection: Native AOT safe). Use it with
/// <c>MapEvent</c>: <c>app.MapEvent("on-upload", handler, FcEventsJson.Default.OssEvent, ...)</c>.
/// Properties are camelCase (MNS and CloudEvents name theirs explicitly); nulls are left out when writing.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OssEvent))]
[JsonSerializable(typeof(OssEventRecord))]
[JsonSerializable(typeof(TimerEvent))]
[JsonSerializable(typeof(HttpTriggerEvent))]
[JsonSerializable(typeof(HttpTriggerResponse))]
[JsonSerializable(typeof(SlsEvent))]
[JsonSerializable(typeof(MnsTopicEvent))]
[JsonSerializable(typeof(CloudEvent))]
[JsonSerializable(typeof(IReadOnlyList<CloudEvent>))]
public sealed partial class FcEventsJson : JsonSerializerContext;
