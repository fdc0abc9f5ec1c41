using System.Collections.Concurrent;
using FunctionCompute.Credentials;
using FunctionCompute.Oss;
using FunctionCompute.Oss.Addressing;
using FunctionCompute.Runtime;

namespace SampleFunctions.Oss;

/// <summary>
/// One <see cref="OssClient"/> per endpoint and region, shared by all invocations: clients hold no
/// credentials of their own here. Every call passes the invocation's STS credentials, so concurrent
/// invocations never sign with each other's keys.
/// </summary>
/// <remarks>
/// Every endpoint, from an event or from configuration (<c>OSS_ENDPOINT</c>), passes <see cref="OssEndpointPolicy"/> first:
/// the requests carry the function's STS token, so they go only to Alibaba Cloud OSS over https, or to 127.0.0.1, ::1 and
/// localhost when the function's environment has <c>OSS_ALLOW_LOOPBACK_ENDPOINTS=true</c> (local runs). A refused endpoint
/// is an <see cref="InvalidEventException"/> and nothing is sent, resolved or connected to.
/// </remarks>
internal static class OssSampleClients
{
    // The endpoint comes from the event: keep the cache small so odd events cannot grow it without bound.
    private const int MaxCachedClients = 32;
    private static readonly ConcurrentDictionary<(string Endpoint, string Region), OssClient> Clients = new();
    private static readonly ICredentialsProvider NoDefaultCredentials = new StaticCredentialsProvider(CloudCredentials.None);

    /// <summary>
    /// The client for an allowed endpoint. The signing region is the event's <paramref name="region"/>, else the one the
    /// endpoint names, else the function's region (FC's region header). <paramref name="source"/> names where the endpoint
    /// came from in error messages, e.g. <c>the event's "endpoint"</c>.
    /// </summary>
    /// <exception cref="InvalidEventException">The endpoint is malformed or not allowed, or a region is not a region id.</exception>
    public static OssClient For(string endpoint, string? region, IFcContext context, string source = "The event's \"endpoint\"")
    {
        OssEndpoint allowed;
        try
        {
            // Read the opt-in on every call: cheap next to a request, and tests can switch it.
            allowed = OssEndpointPolicy.Check(endpoint);
        }
        catch (FormatException exception)
        {
            throw new InvalidEventException($"{source} cannot be used. {exception.Message}", exception);
        }

        var signingRegion = RequireRegion(region, "event's \"region\"") ?? allowed.Region ?? RequireRegion(context.Region, "x-fc-region header")
            ?? throw new InvalidEventException($"The OSS endpoint '{allowed}' names no region and the invocation has none: add a \"region\" to the event.");
        var key = (allowed.ToString(), signingRegion);
        if (Clients.TryGetValue(key, out var client)) return client;
        client = new OssClient(new OssClientOptions { Endpoint = key.Item1, Region = signingRegion }, NoDefaultCredentials);
        return Clients.Count < MaxCachedClients ? Clients.GetOrAdd(key, client) : client;
    }

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
