using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace FunctionCompute.FcLocal.Tests;

/// <summary>fc-local as a real process: <c>dotnet fc-local.dll ...</c>, against the packaged function.</summary>
public sealed partial class FcLocalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private FcLocalProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }
    public int ExitCode => _process.ExitCode;
    public bool HasExited => _process.HasExited;

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FunctionCompute.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (FunctionCompute.slnx) above " + AppContext.BaseDirectory);
    }

    /// <summary>The code package: <c>FC_CODE_PACKAGE</c>, else <c>dist/code</c>; a clear failure when it was not built.</summary>
    public static string CodeDirectory()
    {
        var code = Environment.GetEnvironmentVariable("FC_CODE_PACKAGE") is { Length: > 0 } configured ? configured : Path.Combine(RepositoryRoot(), "dist", "code");
        Assert.True(File.Exists(Path.Combine(code, "bootstrap")),
            $"{Path.Combine(code, "bootstrap")} is missing: run scripts/package.sh first (it builds the code package these tests run).");
        return code;
    }

    /// <summary>A code package whose bootstrap runs the FaultFunctions test app (misbehaving handlers, a failing initializer on request).</summary>
    public static string FaultCodeDirectory()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(RepositoryRoot(), "tests", "FaultFunctions", "bin", configuration, "net10.0", "FaultFunctions.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build tests/FaultFunctions.");
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("fc-local runs a bootstrap script: Linux only.");
        var code = Directory.CreateTempSubdirectory("fc-local-fault-code-").FullName;
        var bootstrap = Path.Combine(code, "bootstrap");
        File.WriteAllText(bootstrap, $"#!/bin/sh\nexec dotnet '{dll}' \"$@\"\n");
        File.SetUnixFileMode(bootstrap, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return code;
    }

    private static string ToolPath()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(RepositoryRoot(), "tools", "FcLocal", "bin", configuration, "net10.0", "fc-local.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build tools/FcLocal.");
        return dll;
    }

    public static FcLocalProcess Start(IEnumerable<string> args, string? stdin = null, IDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        start.ArgumentList.Add(ToolPath());
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Deterministic credentials: nothing from this machine, and never a metadata service off the loopback.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ALIBABA_CLOUD_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        start.Environment["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true";
        start.Environment["ALIBABA_CLOUD_CLI_PROFILE_DISABLED"] = "true";
        start.Environment["ALIBABA_CLOUD_CREDENTIALS_FILE"] = "/nonexistent/credentials";
        start.Environment["HOME"] = Path.GetTempPath();
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>()) start.Environment[name] = value;
        var process = new FcLocalProcess(Process.Start(start)!);
        if (stdin is not null) process._process.StandardInput.Write(stdin);
        process._process.StandardInput.Close();
        return process;
    }

    /// <summary>Runs fc-local to the end.</summary>
    public static async Task<FcLocalProcess> RunAsync(IEnumerable<string> args, string? stdin = null, IDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var process = Start(args, stdin, environment, workingDirectory);
        await process.WaitForExitAsync(TimeSpan.FromSeconds(40));
        return process;
    }

    public async Task WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"fc-local did not exit within {limit}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        _process.WaitForExit();
    }

    public async Task<string> WaitForStdoutAsync(Func<string, bool> match, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var line = Stdout.Split('\n').FirstOrDefault(match);
            if (line is not null) return line.Trim();
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new TimeoutException($"fc-local did not print the expected line.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            await Task.Delay(20);
        }
    }

    /// <summary>A process's environment as it was started (<c>/proc/&lt;pid&gt;/environ</c>).</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentOf(int pid)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = entry.IndexOf('=');
            if (equals > 0) variables[entry[..equals]] = entry[(equals + 1)..];
        }
        return variables;
    }

    public void Signal(int signal) => Assert.Equal(0, Kill(_process.Id, signal));

    public override string ToString() => $"exit {(HasExited ? ExitCode : -1)}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
