using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using FunctionCompute.Runtime;

namespace SampleFunctions;

/// <summary>
/// Server-sent events on a web function (FC 3.0 streams a web function's response as it is written; event functions
/// cannot stream): <c>GET /notifications/{channel}?count=N</c> subscribes and streams an <c>event: ready</c> at once, then
/// the next N messages (1 to 100) published to the channel by <c>POST /notifications/{channel}</c> (a UTF-8 text body of at
/// most 4 KiB) on the same instance, then ends. Each event is flushed as it is written: nothing in the runtime holds it back.
/// </summary>
public static class Notifications
{
    private const int MaxMessageBytes = 4096;
    private const int MaxCount = 100;

    /// <summary>Maps both endpoints (request delegates: no JSON setup at startup, see <see cref="WhoAmI"/>).</summary>
    public static void Map(WebApplication app)
    {
        app.MapGet("/notifications/{channel}", SubscribeAsync);
        app.MapPost("/notifications/{channel}", PublishAsync);
    }

    /// <summary>Streams the channel's messages as server-sent events.</summary>
    public static async Task SubscribeAsync(HttpContext http)
    {
        var channel = ChannelName(http);
        var count = int.TryParse(http.Request.Query["count"], out var n) ? n : 1;
        if (channel is null || count is < 1 or > MaxCount)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync($"the channel is 1-64 of [a-z0-9-] and count is 1-{MaxCount}\n", http.RequestAborted);
            return;
        }
        var hub = http.RequestServices.GetRequiredService<NotificationHub>();
        using var subscription = hub.Subscribe(channel);
        if (subscription is null)
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await http.Response.WriteAsync("too many subscribers on this instance\n", http.RequestAborted);
            return;
        }
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var context = http.GetFcContext();
        // Subscribed before "ready" is sent: a message published once the caller has seen it is never missed.
        await WriteEventAsync(http, "ready", context.RequestId);
        for (var i = 0; i < count; i++)
        {
            var message = await subscription.Messages.ReadAsync(http.RequestAborted);
            await WriteEventAsync(http, "message", message);
        }
    }

    /// <summary>Publishes the request body to the channel's subscribers; answers how many got it.</summary>
    public static async Task PublishAsync(HttpContext http)
    {
        var channel = ChannelName(http);
        var body = await ReadBoundedAsync(http.Request.Body, http.RequestAborted);
        if (channel is null || body is null)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync($"the channel is 1-64 of [a-z0-9-] and the message at most {MaxMessageBytes} bytes\n", http.RequestAborted);
            return;
        }
        var delivered = http.RequestServices.GetRequiredService<NotificationHub>().Publish(channel, body);
        http.Response.StatusCode = StatusCodes.Status202Accepted;
        await http.Response.WriteAsync($"delivered to {delivered}\n", http.RequestAborted);
    }

    // One SSE event; a message's lines each get their own data field, so a newline cannot forge another event.
    private static async Task WriteEventAsync(HttpContext http, string name, string data)
    {
        var text = new StringBuilder("event: ").Append(name).Append('\n');
        foreach (var line in data.ReplaceLineEndings("\n").Split('\n')) text.Append("data: ").Append(line).Append('\n');
        await http.Response.WriteAsync(text.Append('\n').ToString(), http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    private static string? ChannelName(HttpContext http) =>
        http.Request.RouteValues["channel"] is string name && name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            ? name : null;

    private static async Task<string?> ReadBoundedAsync(Stream body, CancellationToken token)
    {
        var buffer = new byte[MaxMessageBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), token)) > 0) length += read;
        return length > MaxMessageBytes ? null : Encoding.UTF8.GetString(buffer, 0, length);
    }
}

/// <summary>The instance's notification channels (a DI singleton): each subscriber has a queue of its own, bounded.</summary>
public sealed class NotificationHub
{
    private const int MaxSubscribers = 100;
    private const int MaxQueued = 100;
    private readonly ConcurrentDictionary<Subscription, string> _subscribers = new();

    /// <summary>A new subscription to <paramref name="channel"/>, or null when the instance has too many.</summary>
    public Subscription? Subscribe(string channel)
    {
        if (_subscribers.Count >= MaxSubscribers) return null;
        var subscription = new Subscription(this);
        _subscribers[subscription] = channel;
        return subscription;
    }

    /// <summary>Queues <paramref name="message"/> for the channel's subscribers (a full queue drops its oldest); returns how many.</summary>
    public int Publish(string channel, string message)
    {
        var delivered = 0;
        foreach (var (subscription, name) in _subscribers)
        {
            if (name == channel && subscription.Queue.Writer.TryWrite(message)) delivered++;
        }
        return delivered;
    }

    /// <summary>One subscriber's queue; disposing it unsubscribes.</summary>
    public sealed class Subscription(NotificationHub hub) : IDisposable
    {
        internal Channel<string> Queue { get; } = Channel.CreateBounded<string>(new BoundedChannelOptions(MaxQueued) { FullMode = BoundedChannelFullMode.DropOldest });

        /// <summary>The messages, in the order published.</summary>
        public ChannelReader<string> Messages => Queue.Reader;

        /// <inheritdoc />
        public void Dispose() => hub._subscribers.TryRemove(this, out _);
    }
}
