using System.Text.Json.Serialization;

namespace FunctionCompute.Credentials.Internal;

/// <summary>The credential document of the ECS metadata service and of credentials URIs.</summary>
internal sealed class CredentialDocument
{
    public string? Code { get; set; }
    public string? Message { get; set; }
    public string? AccessKeyId { get; set; }
    public string? AccessKeySecret { get; set; }
    public string? SecurityToken { get; set; }
    public string? Expiration { get; set; }
    public string? LastUpdated { get; set; }
}

/// <summary>STS success and error bodies share one shape here.</summary>
internal sealed class StsResponseDocument
{
    public string? RequestId { get; set; }
    public string? HostId { get; set; }
    public string? Code { get; set; }
    public string? Message { get; set; }
    public string? Recommend { get; set; }
    public StsAssumedRoleUserDocument? AssumedRoleUser { get; set; }
    public CredentialDocument? Credentials { get; set; }
}

internal sealed class StsAssumedRoleUserDocument
{
    public string? Arn { get; set; }
    public string? AssumedRoleId { get; set; }
}

/// <summary><c>~/.aliyun/config.json</c>.</summary>
internal sealed class CliConfigDocument
{
    [JsonPropertyName("current")] public string? Current { get; set; }
    [JsonPropertyName("profiles")] public List<CliProfileDocument>? Profiles { get; set; }
}

internal sealed class CliProfileDocument
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("mode")] public string? Mode { get; set; }
    [JsonPropertyName("access_key_id")] public string? AccessKeyId { get; set; }
    [JsonPropertyName("access_key_secret")] public string? AccessKeySecret { get; set; }
    [JsonPropertyName("sts_token")] public string? StsToken { get; set; }
    [JsonPropertyName("region_id")] public string? RegionId { get; set; }
    [JsonPropertyName("ram_role_arn")] public string? RamRoleArn { get; set; }
    [JsonPropertyName("ram_session_name")] public string? RamSessionName { get; set; }
    [JsonPropertyName("expired_seconds")] public int? ExpiredSeconds { get; set; }
    [JsonPropertyName("sts_region")] public string? StsRegion { get; set; }
    [JsonPropertyName("enable_vpc")] public bool? EnableVpc { get; set; }
    [JsonPropertyName("policy")] public string? Policy { get; set; }
    [JsonPropertyName("external_id")] public string? ExternalId { get; set; }
    [JsonPropertyName("ram_role_name")] public string? RamRoleName { get; set; }
    [JsonPropertyName("oidc_provider_arn")] public string? OidcProviderArn { get; set; }
    [JsonPropertyName("oidc_token_file")] public string? OidcTokenFile { get; set; }
    [JsonPropertyName("source_profile")] public string? SourceProfile { get; set; }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(CredentialDocument))]
[JsonSerializable(typeof(StsResponseDocument))]
[JsonSerializable(typeof(CliConfigDocument))]
internal sealed partial class CredentialsJsonContext : JsonSerializerContext;
