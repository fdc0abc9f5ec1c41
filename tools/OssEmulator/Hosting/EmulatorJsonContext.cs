using System.Text.Json.Serialization;
using FunctionCompute.OssEmulator.Faults;
using FunctionCompute.OssEmulator.Storage;

namespace FunctionCompute.OssEmulator.Hosting;

/// <summary>Credential file entry (<c>--credentials-file</c>): a JSON array of these.</summary>
internal sealed class CredentialFileEntry
{
    public string? AccessKeyId { get; set; }
    public string? AccessKeySecret { get; set; }
    public string? SecurityToken { get; set; }
    public DateTimeOffset? Expiration { get; set; }
}

internal sealed class HealthResponse
{
    public string Status { get; set; } = "ok";
    public string Region { get; set; } = "";
    public List<string> Buckets { get; set; } = [];
    public int Objects { get; set; }
}

/// <summary>Source-generated JSON (no reflection): admin API, credential file, persisted metadata.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(OssFault))]
[JsonSerializable(typeof(List<OssFault>))]
[JsonSerializable(typeof(List<OssRequestRecord>))]
[JsonSerializable(typeof(List<CredentialFileEntry>))]
[JsonSerializable(typeof(PersistedObject))]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext;
