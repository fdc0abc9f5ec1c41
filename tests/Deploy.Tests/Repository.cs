using System.Diagnostics;

namespace Deploy.Tests;

/// <summary>Paths of the repository and the packages <c>scripts/package.sh</c> writes, and a way to run tools.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FunctionCompute.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (FunctionCompute.slnx) above " + AppContext.BaseDirectory);
    }

    /// <summary>A package directory (<c>dist/code</c>, <c>dist/code-debian10</c>), failing with the command that builds it when absent.</summary>
    public static string Package(CodePackage package)
    {
        var dir = Path.Combine(Root, "dist", package.Directory);
        Assert.True(File.Exists(Path.Combine(dir, "bootstrap")) && File.Exists(Path.Combine(Root, "dist", package.Directory + ".zip")),
            $"{dir} (or its .zip) is missing: run `{package.BuildCommand}` first (scripts/test.sh does).");
        return dir;
    }

    /// <summary>A TCP port free on loopback right now.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a program and returns its stdout; a non-zero exit fails with both outputs.</summary>
    public static Task<string> RunAsync(string program, TimeSpan limit, params string[] arguments) =>
        RunAsync(program, limit, new Dictionary<string, string>(), arguments);

    /// <summary>Runs a program with extra environment variables and returns its stdout; a non-zero exit fails with both outputs.</summary>
    public static Task<string> RunAsync(string program, TimeSpan limit, IDictionary<string, string> environment, params string[] arguments) =>
        RunInAsync(null, program, limit, environment, arguments);

    /// <summary>Runs a program in a working directory (null: this process's) with extra environment variables and returns its stdout; a non-zero exit fails with both outputs.</summary>
    public static async Task<string> RunInAsync(string? directory, string program, TimeSpan limit, IDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (directory is not null) start.WorkingDirectory = directory;
        foreach (var (name, value) in environment) start.Environment[name] = value;
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Cannot run {program} ({e.Message}): is it installed?", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(limit);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', arguments)} took longer than {limit}");
            }
            var output = await stdout;
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{output}\n{await stderr}");
            return output;
        }
    }
}

/// <summary>A code package of <c>scripts/package.sh</c>: where it is, the FC runtime it is for, the newest glibc it may need.</summary>
public sealed record CodePackage(string Directory, string Runtime, Version MaxGlibc, string BuildCommand, string Image)
{
    public static readonly CodePackage Debian12 = new("code", "custom.debian12", new Version(2, 36), "scripts/package.sh", "debian:bookworm-slim");

    // Debian 10's glibc is 2.28. Its image is not reachable here; bullseye (2.31) is the oldest we can run in,
    // so the run proves less than the symbol check, which holds the binary to 2.28.
    public static readonly CodePackage Debian10 = new("code-debian10", "custom.debian10", new Version(2, 28), "PACKAGE_TARGET=debian10 scripts/package.sh", "debian:bullseye-slim");

    public static CodePackage Named(string name) => name switch
    {
        "debian12" => Debian12,
        "debian10" => Debian10,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    public override string ToString() => Runtime;
}
