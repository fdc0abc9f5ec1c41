namespace FunctionCompute.Credentials.Sts;

/// <summary>Parameters of STS <c>AssumeRole</c> (API version 2015-04-01).</summary>
public sealed class AssumeRoleRequest
{
    /// <summary><c>acs:ram::&lt;account id&gt;:role/&lt;role name&gt;</c>. Required.</summary>
    public required string RoleArn { get; init; }

    /// <summary>2–64 characters: letters, digits, <c>. @ - _</c>. Null: <c>credentials-dotnet-&lt;unix ms&gt;</c>.</summary>
    public string? RoleSessionName { get; init; }

    /// <summary>900 up to the role's maximum session duration; null: the server default (3600).</summary>
    public int? DurationSeconds { get; init; }

    /// <summary>Optional session policy (JSON, 1–2048 characters) that narrows the role's permissions.</summary>
    public string? Policy { get; init; }

    /// <summary>Optional external id (2–1224 characters) the role's trust policy may require.</summary>
    public string? ExternalId { get; init; }
}

/// <summary>Parameters of STS <c>AssumeRoleWithOIDC</c> (an anonymous call: no access key, no signature).</summary>
public sealed class AssumeRoleWithOidcRequest
{
    /// <summary>The role to assume. Required.</summary>
    public required string RoleArn { get; init; }

    /// <summary>The OIDC identity provider's ARN. Required.</summary>
    public required string OidcProviderArn { get; init; }

    /// <summary>The OIDC token (the raw JWT). Required. Never logged.</summary>
    public required string OidcToken { get; init; }

    /// <summary>Session name; null: <c>credentials-dotnet-&lt;unix ms&gt;</c>.</summary>
    public string? RoleSessionName { get; init; }

    /// <summary>900 up to the role's maximum; null: the server default (3600).</summary>
    public int? DurationSeconds { get; init; }

    /// <summary>Optional session policy.</summary>
    public string? Policy { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"AssumeRoleWithOidcRequest {{ RoleArn = {RoleArn}, OidcProviderArn = {OidcProviderArn}, OidcToken = *** }}";
}

/// <summary>The assumed role's identity in an STS answer.</summary>
/// <param name="Arn">e.g. <c>acs:ram::123456789012****:role/AdminRole/alice</c>.</param>
/// <param name="AssumedRoleId">e.g. <c>34458433936495****:alice</c>.</param>
public sealed record AssumedRoleUser(string Arn, string AssumedRoleId);

/// <summary>The answer of <c>AssumeRole</c> / <c>AssumeRoleWithOIDC</c>.</summary>
/// <param name="Credentials">The temporary credentials, with their <see cref="CloudCredentials.Expiration"/>.</param>
/// <param name="AssumedRoleUser">Who the credentials act as (empty strings when the server omitted it).</param>
/// <param name="RequestId">The STS request id.</param>
public sealed record AssumeRoleResult(CloudCredentials Credentials, AssumedRoleUser AssumedRoleUser, string RequestId)
{
    /// <summary>When the credentials expire.</summary>
    public DateTimeOffset Expiration => Credentials.Expiration ?? DateTimeOffset.MaxValue;
}
