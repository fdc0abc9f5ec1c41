using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using FunctionCompute.Credentials;

namespace FunctionCompute.FcLocal;

/// <summary>
/// One function instance, started as FC starts it: the code package's <c>bootstrap</c> as a process (or the image with
/// <c>docker run --network host</c>) on a free loopback port, with FC's environment. Its stdout/stderr are the function log.
/// The function listens on 127.0.0.1 only (<see cref="ListenAddressVariable"/>): it may hold credentials that sign real
/// requests, and no other host may call it. With <c>--network host</c> the container shares this machine's interfaces, so
/// the setting goes into the container too.
/// </summary>
internal sealed partial class FunctionInstance : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _container;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly Action<string> _onLog;
    private long _peakRssBytes;

    private FunctionInstance(Process process, string? container, int port, Action<string> onLog)
    {
        _process = process;
        _container = container;
        _onLog = onLog;
        Port = port;
        Client = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(15), UseProxy = false })
        {
            BaseAddress = new Uri(Address),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        process.OutputDataReceived += (_, e) => Received(e.Data);
        process.ErrorDataReceived += (_, e) => Received(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Where the function listens: loopback only.</summary>
    public const string ListenAddress = "127.0.0.1";

    /// <summary>The runtime's listen-address setting.</summary>
    public const string ListenAddressVariable = FunctionCompute.Runtime.FunctionAppOptions.ListenAddressVariable;

    /// <summary>The project-wide opt-in that lets an event name a plain-http loopback OSS endpoint (a local OSS).</summary>
    public const string AllowLoopbackEndpointsVariable = "OSS_ALLOW_LOOPBACK_ENDPOINTS";

    public int Port { get; }
    /// <summary>The function's own address, where fc-local calls it.</summary>
    public string Address => $"http://{ListenAddress}:{Port}";
    public HttpClient Client { get; }
    public bool IsContainer => _container is not null;
    public bool HasExited => _process.HasExited;

    /// <summary>Every log line so far.</summary>
    public IReadOnlyCollection<string> Log => _log;

    private void Received(string? line)
    {
        if (line is null) return;
        _log.Enqueue(line);
        _onLog(line);
    }

    /// <param name="hostCredentials">
    /// The developer asked for the default chain's credentials (<c>--credentials default</c>). Otherwise the function gets
    /// none of this machine's: the <c>ALIBABA_CLOUD_*</c> variables fc-local inherited are not passed on, and the
    /// function's own default chain is kept from this machine's CLI profile, credentials file and instance metadata.
    /// </param>
    public static async Task<FunctionInstance> StartAsync(FunctionSettings settings, string? image, CloudCredentials credentials, bool hostCredentials, Action<string> onLog)
    {
        var port = FreePort();
        var environment = Environment(settings, port, credentials, image is null ? settings.CodeDirectory! : "/code", hostCredentials);
        ProcessStartInfo start;
        string? container = null;
        if (image is null)
        {
            var bootstrap = Path.Combine(settings.CodeDirectory!, "bootstrap");
            start = new ProcessStartInfo(bootstrap) { WorkingDirectory = settings.CodeDirectory! };
            // The process inherits fc-local's environment, which may hold the developer's keys: FC's instance would not.
            if (!hostCredentials)
                foreach (var name in start.Environment.Keys.Where(IsCredentialsVariable).ToList()) start.Environment.Remove(name);
            foreach (var (name, value) in environment) start.Environment[name] = value;
        }
        else
        {
            container = $"fc-local-{Guid.NewGuid():N}"[..24];
            start = new ProcessStartInfo("docker");
            foreach (var arg in new[] { "run", "--rm", "--name", container, "--network", "host", $"--memory={settings.MemoryMB}m" }) start.ArgumentList.Add(arg);
            foreach (var (name, value) in environment)
            {
                start.ArgumentList.Add("-e");
                start.ArgumentList.Add($"{name}={value}");
            }
            start.ArgumentList.Add(image);
        }
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = image is not null; // keeps docker from reading our stdin
        start.UseShellExecute = false;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("the process did not start");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new StartException(image is null ? $"cannot run {start.FileName}: {exception.Message}" : $"cannot run docker: {exception.Message}");
        }
        var instance = new FunctionInstance(process, container, port, onLog);
        if (image is null) instance.StartSamplingMemory();
        return instance;
    }

    private static bool IsCredentialsVariable(string name) => name.StartsWith("ALIBABA_CLOUD_", StringComparison.Ordinal);

    /// <summary>
    /// FC's instance environment (what <c>s local</c> sets too), then fc-local's defaults, then the function's own
    /// variables; the listen address last, since fc-local calls the function there.
    /// </summary>
    public static Dictionary<string, string> Environment(FunctionSettings settings, int port, CloudCredentials credentials, string codePath, bool hostCredentials)
    {
        var env = new Dictionary<string, string>
        {
            ["FC_SERVER_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["FC_CUSTOM_LISTEN_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["FC_FUNCTION_NAME"] = settings.FunctionName,
            ["FC_FUNCTION_HANDLER"] = settings.Handler ?? "",
            ["FC_FUNCTION_MEMORY_SIZE"] = settings.MemoryMB.ToString(CultureInfo.InvariantCulture),
            ["FC_TIMEOUT"] = settings.TimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ["FC_REGION"] = settings.Region,
            ["FC_ACCOUNT_ID"] = settings.AccountId,
            ["FC_INSTANCE_ID"] = Guid.NewGuid().ToString("N"),
            ["FC_FUNC_CODE_PATH"] = codePath,
            ["FC_RUNTIME"] = settings.Runtime,
        };
        if (settings.Initializer is { } initializer)
        {
            env["FC_INITIALIZER_HANDLER"] = initializer;
            env["FC_INITIALIZATION_TIMEOUT"] = settings.InitializationTimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        }
        if (!hostCredentials)
        {
            // The function's default chain must not find this machine's credentials where FC's instance has none.
            env["ALIBABA_CLOUD_CLI_PROFILE_DISABLED"] = "true";
            env["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true";
            env["ALIBABA_CLOUD_CREDENTIALS_FILE"] = "/dev/null/fc-local-no-credentials-file";
        }
        if (!credentials.IsEmpty)
        {
            env["ALIBABA_CLOUD_ACCESS_KEY_ID"] = credentials.AccessKeyId;
            env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = credentials.AccessKeySecret;
            if (credentials.SecurityToken is { } token) env["ALIBABA_CLOUD_SECURITY_TOKEN"] = token;
        }
        // Locally the OSS is often an emulator on loopback over plain http; the user's own --env may say otherwise.
        env[AllowLoopbackEndpointsVariable] = "true";
        foreach (var (name, value) in settings.Environment) env[name] = value;
        if (env.TryGetValue(ListenAddressVariable, out var asked) && asked.Trim() != ListenAddress)
            Terminal.Status($"{ListenAddressVariable}={asked} from --env/s.yaml is ignored: fc-local keeps the function on {ListenAddress}", "33");
        env[ListenAddressVariable] = ListenAddress;
        return env;
    }

    /// <summary>Waits until <c>GET /</c> answers (what FC and <c>s local</c> wait for), or the instance dies.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan limit, CancellationToken token)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            token.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                _process.WaitForExit();
                throw new StartException($"the function exited with {_process.ExitCode} before it was ready:\n{string.Join('\n', _log.TakeLast(20))}");
            }
            try
            {
                using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await Client.GetAsync("/", probe.Token);
                return; // any answer means the server is up
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !token.IsCancellationRequested)
            {
            }
            if (DateTime.UtcNow > deadline) throw new StartException($"the function did not answer GET / on port {Port} within {limit.TotalSeconds:0} s");
            await Task.Delay(15, token);
        }
    }

    /// <summary>Waits (briefly) until the log holds <paramref name="text"/>: the function's lines arrive on their own pipe.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!_log.Any(l => l.Contains(text, StringComparison.Ordinal)) && DateTime.UtcNow < deadline && !_process.HasExited) await Task.Delay(10);
    }

    /// <summary>The peak resident memory of the instance in bytes: the process tree's RSS from /proc, or <c>docker stats</c>.</summary>
    public async Task<long?> MaxMemoryUsedAsync()
    {
        if (_container is null)
        {
            SampleMemory();
            return Interlocked.Read(ref _peakRssBytes) is > 0 and var peak ? peak : null;
        }
        return await DockerMemoryAsync(_container);
    }

    private void StartSamplingMemory()
    {
        _ = Task.Run(async () =>
        {
            while (!_process.HasExited)
            {
                SampleMemory();
                await Task.Delay(20);
            }
        });
    }

    private void SampleMemory()
    {
        try
        {
            var total = ProcessTreeRss(_process.Id);
            long current;
            while (total > (current = Interlocked.Read(ref _peakRssBytes)) && Interlocked.CompareExchange(ref _peakRssBytes, total, current) != current)
            {
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
        }
    }

    /// <summary>The sum of VmRSS of a process and all its descendants (Linux /proc).</summary>
    internal static long ProcessTreeRss(int root)
    {
        if (!Directory.Exists("/proc")) return 0;
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (!children.TryGetValue(parent, out var list)) children[parent] = list = [];
                list.Add(pid);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
            }
        }
        long total = 0;
        var pending = new Stack<int>([root]);
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            total += Rss(pid);
            if (children.TryGetValue(pid, out var list)) foreach (var child in list) pending.Push(child);
        }
        return total;
    }

    private static long Rss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return 0;
    }

    private static async Task<long?> DockerMemoryAsync(string container)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "stats", "--no-stream", "--format", "{{.MemUsage}}", container }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        // e.g. "21.3MiB / 512MiB"
        var used = output.Split('/')[0].Trim();
        var match = MemoryAmount().Match(used);
        if (!match.Success) return null;
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var factor = match.Groups[2].Value switch { "KiB" or "kB" => 1024d, "MiB" or "MB" => 1024d * 1024, "GiB" or "GB" => 1024d * 1024 * 1024, _ => 1d };
        return (long)(value * factor);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^([\d.]+)\s*([KMG]i?B|kB|B)$")]
    private static partial System.Text.RegularExpressions.Regex MemoryAmount();

    /// <summary>Sends SIGTERM (FC's stop signal) and waits up to <paramref name="grace"/>; then kills. Returns the exit code.</summary>
    public async Task<int?> StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            if (_container is not null)
            {
                var stop = Process.Start(new ProcessStartInfo("docker", ["stop", "--time", ((int)grace.TotalSeconds).ToString(CultureInfo.InvariantCulture), _container])
                { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
                if (stop is not null) await stop.WaitForExitAsync();
            }
            else
            {
                _ = Kill(_process.Id, SigTerm);
            }
            using var wait = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
                return null;
            }
        }
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Parse(ListenAddress), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>The function could not be started (exit code 1).</summary>
internal sealed class StartException(string message) : Exception(message);
