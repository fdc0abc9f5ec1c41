using System.Net;
using System.Net.Sockets;

namespace FunctionCompute.StandIns;

/// <summary>What the tests that start a function need, whether it runs as a process or in a container.</summary>
public static class Loopback
{
    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Polls <c>GET /</c> until it answers 200, as <c>s local</c> does before invoking.
    /// <paramref name="throwIfGone"/> stops the wait early when the function can no longer come up;
    /// <paramref name="output"/> is what it printed, for the timeout's message.
    /// </summary>
    public static async Task WaitUntilReadyAsync(HttpClient client, TimeSpan limit, string what, Func<Task<string>> output, Action? throwIfGone = null)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            throwIfGone?.Invoke();
            try
            {
                using var response = await client.GetAsync("/");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not answer GET / within {limit}:\n{await output()}");
            await Task.Delay(20);
        }
    }
}

/// <summary>
/// The opt-in a function needs to talk to loopback stand-ins (the local OSS, the STS stand-in): the OSS samples refuse
/// every endpoint but Alibaba Cloud OSS over https unless <c>OSS_ALLOW_LOOPBACK_ENDPOINTS=true</c>, as our tools set it for
/// local runs (scripts/run.sh, fc-local).
/// </summary>
public static class LocalOss
{
    /// <summary>The variable (<c>OssEndpointPolicy.AllowLoopbackVariable</c>).</summary>
    public const string AllowLoopbackVariable = "OSS_ALLOW_LOOPBACK_ENDPOINTS";

    /// <summary>The opt-in, plus <paramref name="more"/>: the environment of a function started against loopback stand-ins.</summary>
    public static Dictionary<string, string> Environment(IDictionary<string, string>? more = null)
    {
        var environment = new Dictionary<string, string> { [AllowLoopbackVariable] = "true" };
        foreach (var (name, value) in more ?? new Dictionary<string, string>()) environment[name] = value;
        return environment;
    }
}
