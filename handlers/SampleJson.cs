using System.Text.Json.Serialization;

namespace SampleFunctions;

/// <summary>JSON contracts of the samples, generated at compile time (Native AOT has no reflection-based JSON).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GreetEvent))]
[JsonSerializable(typeof(GreetResult))]
[JsonSerializable(typeof(ContextQuery))]
[JsonSerializable(typeof(ContextSummary))]
[JsonSerializable(typeof(SleepEvent))]
[JsonSerializable(typeof(SleepResult))]
[JsonSerializable(typeof(WhoAmIResult))]
public sealed partial class SampleJson : JsonSerializerContext;
