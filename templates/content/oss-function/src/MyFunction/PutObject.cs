using System.Text;
using FunctionCompute.Credentials;
using FunctionCompute.Oss;
using FunctionCompute.Oss.Addressing;
using FunctionCompute.Runtime;

namespace MyFunction;

/// <summary>The event: where to write and what.</summary>
/// <param name="Endpoint">The OSS endpoint, e.g. <c>oss-cn-hangzhou-internal.aliyuncs.com</c> (https is used when no scheme is given).</param>
/// <param name="Bucket">The bucket to write to.</param>
/// <param name="ObjectName">The object key, e.g. <c>reports/today.txt</c>.</param>
/// <param name="Message">The object's content (stored as UTF-8 text).</param>
/// <param name="Region">Optional: the region to sign for when the endpoint names none (the function's own region otherwise).</param>
public sealed record PutObjectEvent(string? Endpoint, string? Bucket, string? ObjectName, string? Message, string? Region = null);

/// <summary>
/// <c>oss-put-object</c>: writes the event's <c>message</c> as an object, signed with the STS credentials FC passes with
/// this invocation (the function's role), and answers <c>success</c>.
/// </summary>
public sealed class PutObject(OssClients clients) : IEventHandler<PutObjectEvent, EventResult>
{
    /// <summary>Puts the object.</summary>
    public async ValueTask<EventResult> HandleAsync(PutObjectEvent input, IFcContext context, CancellationToken cancellationToken)
    {
        var endpoint = CheckEndpoint(Require(input.Endpoint, "endpoint"));
        var bucket = Require(input.Bucket, "bucket");
        var key = Require(input.ObjectName, "objectName");
        if (input.Message is null) throw new InvalidEventException("The event needs a \"message\" (it may be an empty string).");
        // The invocation's credentials, every time: FC rotates them, and concurrent invocations must not share them.
        if (context.Credentials.IsEmpty) throw new MissingCredentialsException();

        // A loopback endpoint names no region: sign for the event's, else the function's own.
        var client = clients.For(endpoint, input.Region ?? endpoint.Region ?? context.Region, input.Endpoint);
        var content = Encoding.UTF8.GetBytes(input.Message);
        await client.PutObjectAsync(bucket, key, content,
            new PutObjectOptions { ContentType = "text/plain; charset=utf-8", Credentials = context.Credentials }, cancellationToken);

        context.Logger.LogInformation("put oss://{Bucket}/{Key} ({Bytes} bytes)", bucket, key, content.Length);
        return EventResult.FromText("success");
    }

    /// <summary>
    /// The runtime's endpoint rule (<see cref="OssEndpointPolicy"/>): https on the default port to an Alibaba Cloud OSS host
    /// (<c>oss-&lt;region&gt;[-internal].aliyuncs.com</c>, ...), or a loopback endpoint only when the environment has
    /// <c>OSS_ALLOW_LOOPBACK_ENDPOINTS=true</c> (local runs: fc-local sets it, FC does not). Anything else is refused before a
    /// request is signed, so an event cannot send the invocation's credentials to a host of its choosing.
    /// </summary>
    public static OssEndpoint CheckEndpoint(string endpoint)
    {
        try
        {
            return OssEndpointPolicy.Check(endpoint);
        }
        catch (FormatException exception)
        {
            throw new InvalidEventException(exception.Message, exception);
        }
    }

    private static string Require(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidEventException($"The event needs a non-empty \"{field}\".") : value.Trim();
}

/// <summary>
/// The instance's OSS clients, a singleton from DI: one per endpoint and region, with no credentials of their own (each call
/// brings the invocation's). Bounded, because the endpoint comes from the event.
/// </summary>
public sealed class OssClients
{
    private const int MaxClients = 16;
    private static readonly ICredentialsProvider NoOwnCredentials = new StaticCredentialsProvider(CloudCredentials.None);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Endpoint, string Region), OssClient> _clients = new();

    /// <summary>The client for an endpoint that passed <see cref="PutObject.CheckEndpoint"/>.</summary>
    public OssClient For(OssEndpoint endpoint, string region, string? shownEndpoint)
    {
        var key = (endpoint.ToString(), region);
        if (_clients.TryGetValue(key, out var client)) return client;
        try
        {
            client = new OssClient(new OssClientOptions { Endpoint = key.Item1, Region = region }, NoOwnCredentials);
        }
        catch (ArgumentException exception)
        {
            throw new InvalidEventException($"The OSS endpoint '{shownEndpoint}' cannot be used: {exception.Message}", exception);
        }
        return _clients.Count < MaxClients ? _clients.GetOrAdd(key, client) : client;
    }
}
