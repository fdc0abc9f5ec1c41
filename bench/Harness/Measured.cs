using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FunctionCompute.Bench;

/// <summary>A function binary under measurement: started as FC starts it, its output drained like FC's log collector.</summary>
public sealed class Measured : IAsyncDisposable
{
    private readonly Process _process;

    private Measured(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }
    public int Pid => _process.Id;

    public static Measured Start(string executable, int port, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["FC_SERVER_PORT"] = port.ToString();
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Measured(process, port);
    }

    /// <summary>Spins until <c>POST /invoke</c> of echo answers 200; returns the time since <paramref name="started"/>.</summary>
    public async Task<TimeSpan> WaitForFirstInvokeAsync(Stopwatch started, TimeSpan limit)
    {
        var request = Encoding.ASCII.GetBytes(
            "POST /invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nx-fc-control-path: /invoke\r\nx-fc-function-handler: echo\r\nx-fc-request-id: cold-start\r\nContent-Length: 4\r\nConnection: close\r\n\r\nping");
        var buffer = new byte[64];
        while (started.Elapsed < limit)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, Port);
                await socket.SendAsync(request);
                var read = await socket.ReceiveAsync(buffer);
                if (read >= 12 && Encoding.ASCII.GetString(buffer, 0, 12) == "HTTP/1.1 200") return started.Elapsed;
            }
            catch (SocketException)
            {
                if (_process.HasExited) throw new InvalidOperationException($"the process exited with {_process.ExitCode}");
            }
        }
        throw new TimeoutException($"no successful invoke within {limit}");
    }

    /// <summary>
    /// Resident memory from /proc, in KiB: the resident set, its high-water mark, and the resident set split into
    /// pages of mapped files (mostly the executable itself; clean and shared with the page cache) and anonymous
    /// pages (heaps, stacks, the AOT image's rehydrated data).
    /// </summary>
    public (long RssKiB, long PeakKiB, long FileKiB, long AnonKiB) Memory()
    {
        long rss = 0, peak = 0, file = 0, anon = 0;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            var field = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            switch (field[0])
            {
                case "VmRSS:": rss = long.Parse(field[1]); break;
                case "VmHWM:": peak = long.Parse(field[1]); break;
                case "RssFile:": file = long.Parse(field[1]); break;
                case "RssAnon:": anon = long.Parse(field[1]); break;
            }
        }
        return (rss, peak, file, anon);
    }

    /// <summary>
    /// CPU time the process has used so far, all its threads, in ms (the first field of each thread's schedstat): steadier
    /// than wall time on a shared machine, where the scheduler, not the app, decides how long a start waits.
    /// </summary>
    public double CpuMilliseconds()
    {
        long nanoseconds = 0;
        foreach (var task in Directory.GetDirectories($"/proc/{_process.Id}/task"))
        {
            try { nanoseconds += long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0]); }
            catch (IOException) { } // the thread ended meanwhile: its time is not ours to count any more
        }
        return nanoseconds / 1e6;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
