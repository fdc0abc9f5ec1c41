using System.Net;
using FunctionCompute.Oss.Addressing;

namespace FunctionCompute.OssEmulator;

/// <summary>One entry of the emulator's credential table.</summary>
public sealed class EmulatorCredential
{
    public EmulatorCredential(string accessKeyId, string accessKeySecret, string? securityToken = null, DateTimeOffset? expiration = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(accessKeySecret);
        AccessKeyId = accessKeyId;
        AccessKeySecret = accessKeySecret;
        SecurityToken = string.IsNullOrEmpty(securityToken) ? null : securityToken;
        Expiration = expiration;
    }

    public string AccessKeyId { get; }

    public string AccessKeySecret { get; }

    /// <summary>STS token; when set, requests with this key id must carry exactly this <c>x-oss-security-token</c>.</summary>
    public string? SecurityToken { get; }

    /// <summary>After this instant the credential is rejected (<c>SecurityTokenExpired</c> for STS entries).</summary>
    public DateTimeOffset? Expiration { get; }

    /// <summary>Key id only: the secret and token never appear in logs.</summary>
    public override string ToString() => SecurityToken is null ? AccessKeyId : AccessKeyId + " (STS)";
}

/// <summary>Settings of an <see cref="OssEmulatorServer"/>.</summary>
public sealed class OssEmulatorOptions
{
    /// <summary>TCP port; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Address to listen on; loopback unless changed deliberately.</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>The region the V4 signature scope must name.</summary>
    public string Region { get; set; } = "cn-hangzhou";

    /// <summary>The buckets that exist (fixed for the server's lifetime).</summary>
    public IList<string> Buckets { get; } = new List<string>();

    /// <summary>The credential table.</summary>
    public IList<EmulatorCredential> Credentials { get; } = new List<EmulatorCredential>();

    /// <summary>Persist objects under this directory; null keeps them in memory (large bodies spill to a private temp directory).</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Bodies (objects, parts) up to this size are kept in memory in memory mode; larger ones go to temp files.</summary>
    public long MaxInMemoryBodySize { get; set; } = 4 * 1024 * 1024;

    /// <summary>The server's clock (signature skew checks, Date headers, Last-Modified).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Largest accepted difference between <c>x-oss-date</c> and the server clock (OSS: 15 minutes).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Receives one line per request (method, resource, status, key id — never a secret). Null: silent.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>Serve <c>/_emulator/*</c> (health, faults, request log).</summary>
    public bool EnableAdminApi { get; set; } = true;

    internal void Validate()
    {
        if (Port is < 0 or > 65535) throw new ArgumentException($"Port {Port} is out of range (0-65535).");
        if (string.IsNullOrWhiteSpace(Region)) throw new ArgumentException("A region is required.");
        if (Buckets.Count == 0) throw new ArgumentException("At least one bucket is required.");
        foreach (var b in Buckets)
        {
            // OSS's own rule (the client's): it also guarantees no bucket path can collide with /_emulator.
            if (!OssNames.IsValidBucketName(b)) throw new ArgumentException($"'{b}' is not a valid OSS bucket name ({OssNames.BucketRule}).");
        }

        if (MaxInMemoryBodySize < 0) throw new ArgumentException("MaxInMemoryBodySize cannot be negative.");
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
