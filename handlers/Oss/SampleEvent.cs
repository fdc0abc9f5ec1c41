using FunctionCompute.Credentials;
using FunctionCompute.Oss.Addressing;
using FunctionCompute.Runtime;

namespace SampleFunctions.Oss;

/// <summary>The samples' checks of event fields and of the invocation's credentials: one wording for every handler.</summary>
internal static class SampleEvent
{
    /// <summary>
    /// A region id (<c>cn-hangzhou</c>: lowercase letters, digits, <c>-</c>), null when blank, or an invalid-event error naming
    /// <paramref name="what"/>: a region becomes part of host names and signing scopes, so nothing else gets through.
    /// </summary>
    public static string? RequireRegion(string? region, string what)
    {
        if (string.IsNullOrWhiteSpace(region)) return null;
        region = region.Trim();
        return OssEndpoint.IsRegionId(region) ? region
            : throw new InvalidEventException($"The {what} is not a region id (lowercase letters, digits and '-', e.g. cn-hangzhou).");
    }

    /// <summary>The invocation's credentials, or a clear error when the function has no role.</summary>
    public static CloudCredentials RequireCredentials(IFcContext context) =>
        context.Credentials.IsEmpty ? throw new MissingCredentialsException() : context.Credentials;

    /// <summary>A required event field, or an invalid-event error naming it.</summary>
    public static string Require(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidEventException($"The event needs a non-empty \"{field}\".") : value;
}
