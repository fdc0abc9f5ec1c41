using System.Text.Json.Serialization;
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
[JsonSerializable(typeof(CrossAccountPutEvent))]
[JsonSerializable(typeof(DefaultChainListEvent))]
[JsonSerializable(typeof(DefaultChainListResult))]
public sealed partial class SampleJson : JsonSerializerContext;
