using System.Globalization;

namespace FunctionCompute.Credentials.Internal;

/// <summary>
/// Every bound on what the credential clients read, in one place. A body over its bound is an error that
/// names the bound, raised while reading: the read stops there, nothing past it is buffered.
/// </summary>
internal static class ResponseLimits
{
    /// <summary>
    /// JSON answers of STS, the ECS metadata service (role name and credential document) and credentials URIs.
    /// A real one is 1–3 KiB (the security token is the longest field, about 1–2 KiB; STS error messages echo a
    /// string to sign of a few hundred bytes), so 64 KiB is twenty times what a genuine answer needs.
    /// </summary>
    public const int MaxJsonBytes = 64 * 1024;

    /// <summary>The ECS metadata token (<c>PUT /latest/api/token</c>): an opaque string of about 60 characters.</summary>
    public const int MaxMetadataTokenBytes = 4 * 1024;

    /// <summary>An OIDC token file (a JWT, typically 1–2 KiB; Kubernetes projected tokens stay well under 4 KiB).</summary>
    public const int MaxOidcTokenFileBytes = 64 * 1024;

    /// <summary>A limit for messages: <c>8 MiB</c>, <c>64 KiB</c>, or bytes (also used by FunctionCompute.Oss).</summary>
    public static string Describe(long bytes) => bytes switch
    {
        _ when bytes % (1024 * 1024) == 0 => (bytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) + " MiB",
        _ when bytes % 1024 == 0 => (bytes / 1024).ToString(CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " bytes",
    };
}
