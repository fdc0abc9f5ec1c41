using System.Collections.Concurrent;
using FunctionCompute.Credentials;
using FunctionCompute.Oss;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Invocation;

namespace SampleFunctions.Oss;

/// <summary>
/// One <see cref="OssClient"/> per endpoint and region, shared by all invocations: clients hold no
/// credentials of their own here. Every call passes the invocation's STS credentials, so concurrent
/// invocations never sign with each other's keys.
/// </summary>
internal static class OssSampleClients
{
    // The endpoint comes from the event: keep the cache small so odd events cannot grow it without bound.
    private const int MaxCachedClients = 32;
    private static readonly ConcurrentDictionary<(string Endpoint, string? Region), OssClient> Clients = new();
    private static readonly ICredentialsProvider NoDefaultCredentials = new StaticCredentialsProvider(CloudCredentials.None);

    /// <summary>The client for an endpoint; the region comes from the event, the endpoint name, or FC's region header.</summary>
    public static OssClient For(string endpoint, string? region, IFcContext context)
    {
        region = string.IsNullOrWhiteSpace(region) ? null : region.Trim();
        var key = (endpoint.Trim(), region);
        if (Clients.TryGetValue(key, out var client)) return client;
        try
        {
            client = Create(key.Item1, region);
        }
        catch (ArgumentException) when (region is null && context.Region.Length > 0)
        {
            // An IP or localhost endpoint names no region: sign for the function's own region.
            client = Create(key.Item1, context.Region);
        }
        catch (ArgumentException exception)
        {
            throw new InvalidEventException($"The OSS endpoint '{endpoint}' cannot be used: {exception.Message}", exception);
        }
        return Clients.Count < MaxCachedClients ? Clients.GetOrAdd(key, client) : client;
    }

    /// <summary>The invocation's credentials, or a clear error when the function has no role.</summary>
    public static CloudCredentials RequireCredentials(IFcContext context) =>
        context.Credentials.IsEmpty ? throw new MissingCredentialsException() : context.Credentials;

    /// <summary>A required event field, or an invalid-event error naming it.</summary>
    public static string Require(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidEventException($"The event needs a non-empty \"{field}\".") : value;

    private static OssClient Create(string endpoint, string? region) =>
        new(new OssClientOptions { Endpoint = endpoint, Region = region }, NoDefaultCredentials);
}
