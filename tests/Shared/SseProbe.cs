using System.Net;
using System.Text;

namespace FunctionCompute.Tests.Shared;

/// <summary>
/// Proves a server-sent events response streams: subscribes to the sample's <c>/notifications/{channel}?count=1</c>, reads its
/// first event (<c>ready</c>), and only then publishes the message that the stream's last event carries. Were any layer to
/// hold the response back until it ends, the first event would never arrive and the probe would wait out its bound
/// (a limit against hanging, not a timing assertion).
/// </summary>
public static class SseProbe
{
    public sealed record Outcome(string ContentType, string Ready, string Message, string Delivered, bool EndedAfterLast);

    public static async Task<Outcome> SubscribeThenPublishAsync(HttpClient client, string channel, Action<HttpRequestMessage>? decorate = null)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var subscribe = new HttpRequestMessage(HttpMethod.Get, $"/notifications/{channel}?count=1");
        decorate?.Invoke(subscribe);
        using var response = await client.SendAsync(subscribe, HttpCompletionOption.ResponseHeadersRead, limit.Token);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"subscribe answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        await using var body = await response.Content.ReadAsStreamAsync(limit.Token);
        using var reader = new StreamReader(body, Encoding.UTF8);

        var ready = await ReadEventAsync(reader, limit.Token);

        using var publish = new HttpRequestMessage(HttpMethod.Post, $"/notifications/{channel}") { Content = new StringContent("hello\nworld") };
        decorate?.Invoke(publish);
        using var published = await client.SendAsync(publish, limit.Token);
        var delivered = (await published.Content.ReadAsStringAsync(limit.Token)).Trim();

        var message = await ReadEventAsync(reader, limit.Token);
        var ended = await reader.ReadLineAsync(limit.Token) is null;
        return new Outcome(response.Content.Headers.ContentType?.MediaType ?? "", ready, message, delivered, ended);
    }

    /// <summary>One event: its lines up to the blank line that ends it, joined with '|'.</summary>
    private static async Task<string> ReadEventAsync(StreamReader reader, CancellationToken token)
    {
        var lines = new List<string>();
        while (await reader.ReadLineAsync(token) is { } line)
        {
            if (line.Length == 0) return string.Join('|', lines);
            lines.Add(line);
        }
        throw new InvalidOperationException("the stream ended inside an event: " + string.Join('|', lines));
    }
}
