using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FunctionCompute.Bench;

/// <summary>One wrk run's figures.</summary>
public sealed record LoadResult(int Connections, double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Errors);

/// <summary>Runs wrk (one thread: the other core is the server's) with a Lua script that sends FC-shaped invokes.</summary>
public static partial class Wrk
{
    public static async Task<LoadResult> RunAsync(int port, int connections, TimeSpan duration, string luaScript)
    {
        var script = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, luaScript);
        try
        {
            var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-t1", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--latency", "-s", script, $"http://127.0.0.1:{port}/invoke" })
                start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"wrk failed: {output}{await process.StandardError.ReadToEndAsync()}");
            return new LoadResult(
                connections,
                double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
                Milliseconds(Percentile(output, "50")),
                Milliseconds(Percentile(output, "99")),
                long.Parse(Requests().Match(output).Groups[1].Value),
                Errors(output));
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>
    /// One figure from several slices of the same load: throughput over their total time, the median of their
    /// p50s and the worst of their p99s (slices are equal in length, so no slice outweighs another).
    /// </summary>
    public static LoadResult Combine(IReadOnlyList<LoadResult> slices)
    {
        var p50s = slices.Select(s => s.P50Ms).Order().ToList();
        return new LoadResult(
            slices[0].Connections,
            slices.Average(s => s.RequestsPerSecond),
            p50s[p50s.Count / 2],
            slices.Max(s => s.P99Ms),
            slices.Sum(s => s.Requests),
            slices.Sum(s => s.Errors));
    }

    /// <summary>A Lua script posting <paramref name="body"/> with FC's invoke headers.</summary>
    public static string InvokeScript(string handler, string body, IDictionary<string, string>? headers = null)
    {
        var lines = new List<string>
        {
            "wrk.method = \"POST\"",
            $"wrk.body = {Lua(body)}",
            "wrk.headers[\"Content-Type\"] = \"application/octet-stream\"",
            "wrk.headers[\"x-fc-control-path\"] = \"/invoke\"",
            $"wrk.headers[\"x-fc-function-handler\"] = {Lua(handler)}",
            "wrk.headers[\"x-fc-request-id\"] = \"bench-request\"",
        };
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) lines.Add($"wrk.headers[{Lua(k)}] = {Lua(v)}");
        // wrk counts only socket errors by default: count non-2xx answers too.
        lines.Add("response = function(status, headers, body) if status ~= 200 then wrk.thread:set(\"bad\", (wrk.thread:get(\"bad\") or 0) + 1) end end");
        return string.Join('\n', lines);
    }

    private static string Lua(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";

    private static string Percentile(string output, string p) => Regex.Match(output, $@"^\s+{p}%\s+(\S+)", RegexOptions.Multiline).Groups[1].Value;

    private static double Milliseconds(string value)
    {
        var m = Regex.Match(value, @"^([\d.]+)(us|ms|s|m)$");
        var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => n / 1000, "ms" => n, "s" => n * 1000, _ => n * 60_000 };
    }

    private static long Errors(string output)
    {
        long total = 0;
        var socket = SocketErrors().Match(output);
        if (socket.Success) total += socket.Groups.Cast<Group>().Skip(1).Sum(g => long.Parse(g.Value));
        var non2xx = Non2xx().Match(output);
        if (non2xx.Success) total += long.Parse(non2xx.Groups[1].Value);
        return total;
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();
    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();
    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xx();
}
