using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace FunctionCompute.StandIns;

/// <summary>
/// A function app running as a real process, started the way FC starts it: the port in <c>FC_SERVER_PORT</c>,
/// stdout and stderr collected. Usually the FC code package (<c>dist/code/bootstrap</c>, built by
/// <c>scripts/package.sh</c>); the reliability suite also starts test-only apps with <c>dotnet app.dll</c>.
/// </summary>
public sealed partial class FunctionProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private FunctionProcess(Process process, int port)
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

    /// <summary>Starts <c>dist/code/bootstrap</c> with <paramref name="environment"/>, without waiting for it.</summary>
    public static Process StartPackageProcess(IDictionary<string, string> environment) => Start(PackageBootstrap(), [], environment);

    /// <summary>Starts the code package on a free port and waits until it answers <c>GET /</c>, as <c>s local</c> does.</summary>
    public static Task<FunctionProcess> StartPackageAsync(IDictionary<string, string>? environment = null) =>
        StartAsync(PackageBootstrap(), [], environment);

    /// <summary>Starts a code package's <c>bootstrap</c> at <paramref name="bootstrap"/> (e.g. a copy with files added) and waits until it is ready.</summary>
    public static Task<FunctionProcess> StartBootstrapAsync(string bootstrap, IDictionary<string, string>? environment = null) =>
        StartAsync(bootstrap, [], environment);

    private static string PackageBootstrap()
    {
        var bootstrap = Path.Combine(CodeDirectory(), "bootstrap");
        if (!File.Exists(bootstrap)) throw new FileNotFoundException($"{bootstrap} is missing: run scripts/package.sh first (scripts/test.sh does).");
        return bootstrap;
    }

    /// <summary>Starts <c>dotnet <paramref name="assemblyPath"/></c> (a framework-dependent app) on a free port and waits until it is ready.</summary>
    public static Task<FunctionProcess> StartDotnetAppAsync(string assemblyPath, IDictionary<string, string>? environment = null) =>
        StartAsync("dotnet", [assemblyPath], environment);

    private static async Task<FunctionProcess> StartAsync(string fileName, string[] arguments, IDictionary<string, string>? environment)
    {
        var port = Loopback.FreePort();
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["FC_SERVER_PORT"] = port.ToString() };
        var function = new FunctionProcess(Start(fileName, arguments, variables), port);
        try
        {
            await function.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await function.DisposeAsync();
            throw;
        }
        return function;
    }

    private static Process Start(string fileName, string[] arguments, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    public Task WaitUntilReadyAsync(TimeSpan limit) => Loopback.WaitUntilReadyAsync(Client, limit, "The function", () => Task.FromResult(Output), () =>
    {
        if (_process.HasExited) throw new InvalidOperationException($"The function exited with {_process.ExitCode} before it was ready:\n{Output}");
    });

    /// <summary>Waits until the output contains <paramref name="text"/>.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan limit) => WaitForOutputAsync(output => output.Contains(text), $"'{text}'", limit);

    /// <summary>Waits until <paramref name="condition"/> holds for the output.</summary>
    public async Task WaitForOutputAsync(Func<string, bool> condition, string what, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition(Output))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not appear in the output:\n{Output}");
            await Task.Delay(20);
        }
    }

    /// <summary>Resident memory of the process (VmRSS from /proc), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
        }

        throw new InvalidOperationException("VmRSS not found in /proc status");
    }

    /// <summary>Sends SIGTERM, as FC does on scale-in.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, SigTerm) != 0) throw new InvalidOperationException($"kill(SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Stops the process where it stands (SIGSTOP), as FC's freezer does to an instance that serves no request.</summary>
    public void Freeze()
    {
        if (Kill(_process.Id, SigStop) != 0) throw new InvalidOperationException($"kill(SIGSTOP) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Lets a frozen process run again (SIGCONT).</summary>
    public void Thaw()
    {
        if (Kill(_process.Id, SigCont) != 0) throw new InvalidOperationException($"kill(SIGCONT) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
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

    private const int SigTerm = 15, SigStop = 19, SigCont = 18;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
