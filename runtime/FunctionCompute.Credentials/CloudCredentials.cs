using System.Diagnostics;
using System.Text.Json.Serialization;

namespace FunctionCompute.Credentials;

/// <summary>
/// An Alibaba Cloud access key pair, optionally with an STS security token and an expiry.
/// Immutable. <see cref="ToString"/>, the debugger view and JSON serialisation never show the
/// secret or the token, so a credentials object can be logged or put in an exception safely.
/// </summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CloudCredentials : IEquatable<CloudCredentials>
{
    /// <summary>The explicit "no credentials" value (a function without a role, an empty chain).</summary>
    public static CloudCredentials None { get; } = new();

    private CloudCredentials()
    {
        AccessKeyId = "";
        AccessKeySecret = "";
    }

    /// <summary>Creates credentials; <paramref name="securityToken"/> is given for STS credentials only.</summary>
    /// <exception cref="ArgumentException">The key id or the secret is empty.</exception>
    public CloudCredentials(string accessKeyId, string accessKeySecret, string? securityToken = null, DateTimeOffset? expiration = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessKeyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(accessKeySecret);
        AccessKeyId = accessKeyId;
        AccessKeySecret = accessKeySecret;
        SecurityToken = string.IsNullOrEmpty(securityToken) ? null : securityToken;
        Expiration = expiration;
    }

    /// <summary>The access key id (not secret: it is safe to log).</summary>
    public string AccessKeyId { get; }

    /// <summary>The access key secret. Never logged or serialised by this library.</summary>
    [JsonIgnore]
    public string AccessKeySecret { get; }

    /// <summary>The STS security token, or null for long-term access keys. Never logged or serialised.</summary>
    [JsonIgnore]
    public string? SecurityToken { get; }

    /// <summary>When temporary credentials stop working, when known.</summary>
    public DateTimeOffset? Expiration { get; }

    /// <summary>True for <see cref="None"/>: there is nothing to sign with.</summary>
    public bool IsEmpty => AccessKeyId.Length == 0;

    /// <summary>True when these are STS credentials (a security token is present).</summary>
    public bool IsTemporary => SecurityToken is not null;

    /// <summary>True when <see cref="Expiration"/> is known and not later than <paramref name="now"/> plus <paramref name="margin"/>.</summary>
    public bool ExpiresWithin(TimeSpan margin, DateTimeOffset now) => Expiration is { } e && e <= now + margin;

    /// <summary>A redacted description: the key id's first characters only, the secret and token masked.</summary>
    public override string ToString() => IsEmpty
        ? "CloudCredentials { None }"
        : $"CloudCredentials {{ AccessKeyId = {Redact(AccessKeyId)}, AccessKeySecret = ***, SecurityToken = {(IsTemporary ? "***" : "none")}{(Expiration is { } e ? $", Expiration = {e:O}" : "")} }}";

    /// <summary>Keeps at most the first 4 characters of an identifier, masking the rest.</summary>
    public static string Redact(string? value) => string.IsNullOrEmpty(value)
        ? ""
        : value.Length <= 4 ? "****" : string.Concat(value.AsSpan(0, 4), "****");

    /// <inheritdoc />
    public bool Equals(CloudCredentials? other) => other is not null
        && AccessKeyId == other.AccessKeyId
        && AccessKeySecret == other.AccessKeySecret
        && SecurityToken == other.SecurityToken
        && Expiration == other.Expiration;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CloudCredentials);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(AccessKeyId, AccessKeySecret, SecurityToken, Expiration);
}
