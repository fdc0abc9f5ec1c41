using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace SampleFunctions.Tests;

/// <summary>
/// The FC code package (<c>dist/code</c>, built by <c>scripts/package.sh</c>) started the way FC starts it:
/// <c>bootstrap</c> as a real process, the port in <c>FC_SERVER_PORT</c>, stdout and stderr collected.
/// </summary>
public sealed partial class PackagedFunction : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PackagedFunction(Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }
    public HttpClient Client { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The code package directory: <c>FC_CODE_PACKAGE</c>, else <c>dist/code</c> of this repository.</summary>
    public static string CodeDirectory()
    {
        if (Environment.GetEnvironmentVariable("FC_CODE_PACKAGE") is { Length: > 0 } configured) return configured;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FunctionCompute.slnx"))) return Path.Combine(dir.FullName, "dist", "code");
        throw new InvalidOperationException("Cannot find the repository root (FunctionCompute.slnx) above " + AppContext.BaseDirectory);
    }

    public static Process StartProcess(IDictionary<string, string> environment)
    {
        var bootstrap = Path.Combine(CodeDirectory(), "bootstrap");
        Assert.True(File.Exists(bootstrap), $"{bootstrap} is missing: run scripts/package.sh first (scripts/test.sh does).");
        var start = new ProcessStartInfo(bootstrap)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>Starts the package on a free port and waits until it answers <c>GET /</c>, as <c>s local</c> does.</summary>
    public static async Task<PackagedFunction> StartAsync(IDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["FC_SERVER_PORT"] = port.ToString() };
        var function = new PackagedFunction(StartProcess(variables), port);
        await function.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        return function;
    }

    public async Task WaitUntilReadyAsync(TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The package exited with {_process.ExitCode} before it was ready:\n{Output}");
            try
            {
                using var response = await Client.GetAsync("/");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The package did not answer GET / within {limit}:\n{Output}");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until the output contains <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!Output.Contains(text))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"'{text}' did not appear in the output:\n{Output}");
            await Task.Delay(20);
        }
    }

    /// <summary>Sends SIGTERM, as FC does on scale-in.</summary>
    public void Terminate() => Assert.Equal(0, Kill(_process.Id, SigTerm));

    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
