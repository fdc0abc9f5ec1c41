using FunctionCompute.StandIns;

namespace Container.Tests;

/// <summary>The function image run as FC runs a custom container: <c>/code/bootstrap</c>, the port in <c>FC_SERVER_PORT</c>.</summary>
public sealed class FunctionContainer : IAsyncDisposable
{
    private FunctionContainer(string id, int port)
    {
        Id = id;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Id { get; }
    public int Port { get; }
    public HttpClient Client { get; }

    public static async Task<FunctionContainer> StartAsync(string image, params (string Name, string Value)[] environment)
    {
        var port = Loopback.FreePort();
        var arguments = new List<string> { "run", "-d", "--network", "host", "-e", $"FC_SERVER_PORT={port}" };
        foreach (var (name, value) in environment) arguments.AddRange(["-e", $"{name}={value}"]);
        arguments.Add(image);
        var container = new FunctionContainer(await Docker.RunAsync(TimeSpan.FromMinutes(1), [.. arguments]), port);
        await container.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        return container;
    }

    private Task WaitUntilReadyAsync(TimeSpan limit) => Loopback.WaitUntilReadyAsync(Client, limit, "The container", LogsAsync);

    public Task<string> LogsAsync() => Docker.RunAsync(TimeSpan.FromSeconds(30), "logs", Id);

    public Task<string> ExecAsync(params string[] command) => Docker.RunAsync(TimeSpan.FromSeconds(30), ["exec", Id, .. command]);

    /// <summary>docker stop: SIGTERM to the container's PID 1 (the app, thanks to bootstrap's exec), SIGKILL after the grace period.</summary>
    public Task StopAsync(int graceSeconds = 30) => Docker.RunAsync(TimeSpan.FromSeconds(graceSeconds + 30), "stop", "-t", graceSeconds.ToString(), Id);

    public async Task<int> ExitCodeAsync() => int.Parse(await Docker.RunAsync(TimeSpan.FromSeconds(60), "wait", Id));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            await Docker.RunAsync(TimeSpan.FromSeconds(30), "rm", "-f", Id);
        }
        catch (InvalidOperationException)
        {
        }
    }
}
