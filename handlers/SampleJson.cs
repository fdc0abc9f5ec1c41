using System.Text.Json.Serialization;
using FunctionCompute.Events;
using SampleFunctions.Credentials;
using SampleFunctions.Oss;

namespace SampleFunctions;

/// <summary>JSON contracts of the samples, generated at compile time (Native AOT has no reflection-based JSON).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GreetEvent))]
[JsonSerializable(typeof(GreetResult))]
[JsonSerializable(typeof(ContextQuery))]
[JsonSerializable(typeof(ContextSummary))]
[JsonSerializable(typeof(SleepEvent))]
[JsonSerializable(typeof(SleepResult))]
[JsonSerializable(typeof(StructuredLogEvent))]
[JsonSerializable(typeof(StructuredLogResult))]
[JsonSerializable(typeof(WhoAmIResult))]
[JsonSerializable(typeof(PutObjectEvent))]
[JsonSerializable(typeof(GetObjectEvent))]
[JsonSerializable(typeof(ListObjectsEvent))]
[JsonSerializable(typeof(ListObjectsResult))]
[JsonSerializable(typeof(OssTriggerResult))]
// The OSS trigger's event, with FcEventsJson's options (camelCase, nulls left out): mapped through this context, its
// contract is built on the handler's first call rather than at startup.
[JsonSerializable(typeof(OssEvent))]
[JsonSerializable(typeof(CrossAccountPutEvent))]
[JsonSerializable(typeof(DefaultChainListEvent))]
[JsonSerializable(typeof(DefaultChainListResult))]
public sealed partial class SampleJson : JsonSerializerContext;
