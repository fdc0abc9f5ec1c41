using System.Collections.Concurrent;
using FunctionCompute.Credentials;
using FunctionCompute.Oss;
using FunctionCompute.Oss.Addressing;
using FunctionCompute.Runtime;
using Microsoft.Extensions.Configuration;

namespace SampleFunctions.Oss;

/// <summary>
/// The app's OSS clients, a singleton from DI (handlers take it as a parameter): one <see cref="OssClient"/> per endpoint and
/// region, shared by all invocations. Clients hold no credentials of their own: every call passes the invocation's STS
/// credentials, so concurrent invocations never sign with each other's keys.
/// </summary>
/// <remarks>
/// Every endpoint, from an event or from configuration (<c>OSS_ENDPOINT</c>), passes <see cref="OssEndpointPolicy"/> first:
/// the requests carry the function's STS token, so they go only to Alibaba Cloud OSS over https, or to 127.0.0.1, ::1 and
/// localhost when the function's environment has <c>OSS_ALLOW_LOOPBACK_ENDPOINTS=true</c> (local runs). A refused endpoint
/// is an <see cref="InvalidEventException"/> and nothing is sent, resolved or connected to. The cache's bound comes from
/// configuration (<c>Oss:MaxCachedClients</c>, e.g. the variable <c>Oss__MaxCachedClients</c>; 32 by default).
/// </remarks>
public sealed class OssClients(IConfiguration configuration)
{
    private static readonly ICredentialsProvider NoDefaultCredentials = new StaticCredentialsProvider(CloudCredentials.None);
    // The endpoint comes from the event: the cache is bounded so odd events cannot grow it without bound.
    private readonly int _maxCachedClients = int.TryParse(configuration["Oss:MaxCachedClients"], out var max) && max >= 0 ? max : 32;
    private readonly ConcurrentDictionary<(string Endpoint, string Region), OssClient> _clients = new();

    /// <summary>
    /// The client for an allowed endpoint. The signing region is the event's <paramref name="region"/>, else the one the
    /// endpoint names, else the function's region (FC's region header). <paramref name="source"/> names where the endpoint
    /// came from in error messages, e.g. <c>the event's "endpoint"</c>.
    /// </summary>
    /// <exception cref="InvalidEventException">The endpoint is malformed or not allowed, or a region is not a region id.</exception>
    public OssClient For(string endpoint, string? region, IFcContext context, string source = "The event's \"endpoint\"")
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

        var signingRegion = SampleEvent.RequireRegion(region, "event's \"region\"") ?? allowed.Region ?? SampleEvent.RequireRegion(context.Region, "x-fc-region header")
            ?? throw new InvalidEventException($"The OSS endpoint '{allowed}' names no region and the invocation has none: add a \"region\" to the event.");
        var key = (allowed.ToString(), signingRegion);
        if (_clients.TryGetValue(key, out var client)) return client;
        client = new OssClient(new OssClientOptions { Endpoint = key.Item1, Region = signingRegion }, NoDefaultCredentials);
        return _clients.Count < _maxCachedClients ? _clients.GetOrAdd(key, client) : client;
    }
}
