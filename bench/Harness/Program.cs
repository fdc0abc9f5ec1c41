using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using FunctionCompute.Bench;
using FunctionCompute.OssEmulator;

// bench/run.sh builds both binaries and calls: Harness <ours: dist/code/bootstrap> <bare: BareEcho binary> <report.md> [runs] [seconds]
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: Harness OURS_BOOTSTRAP BARE_EXECUTABLE REPORT_MD [COLD_START_RUNS=20] [LOAD_SECONDS=10]");
    return 2;
}
var (ours, bare, reportPath) = (Path.GetFullPath(args[0]), Path.GetFullPath(args[1]), Path.GetFullPath(args[2]));
var runs = args.Length > 3 ? int.Parse(args[3]) : 20;
var seconds = args.Length > 4 ? int.Parse(args[4]) : 10;
var apps = new[] { ("ours", ours), ("bare", bare) };
void Say(string s) => Console.Error.WriteLine($"bench: {s}");

// 1. Cold start, interleaved so drift in the machine's load hits both alike; the first run of each warms the page cache.
var cold = apps.ToDictionary(a => a.Item1, _ => new List<double>());
var idle = apps.ToDictionary(a => a.Item1, _ => new List<long>());
var coldCpu = apps.ToDictionary(a => a.Item1, _ => new List<double>());
var idleSplit = new Dictionary<string, (long FileKiB, long AnonKiB)>();
for (var run = -1; run < runs; run++)
{
    foreach (var (name, path) in apps)
    {
        var watch = Stopwatch.StartNew();
        await using var app = Measured.Start(path, Measured.FreePort());
        var elapsed = await app.WaitForFirstInvokeAsync(watch, TimeSpan.FromSeconds(30));
        var cpu = app.CpuMilliseconds();
        if (run < 0) continue;
        cold[name].Add(elapsed.TotalMilliseconds);
        coldCpu[name].Add(cpu);
        if (run < 3)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var resident = app.Memory();
            idle[name].Add(resident.RssKiB);
            idleSplit[name] = (resident.FileKiB, resident.AnonKiB);
        }
    }
}
Say($"cold start: ours median {Median(cold["ours"]):0.0} ms, bare {Median(cold["bare"]):0.0} ms");

// 2. Throughput and latency of 1 KiB echo at 1, 32, 200 connections. Both servers run at once (the idle one costs no
//    CPU) and the load alternates between them in short slices, so a change in the machine's load hits both alike.
var body = new string('x', 1024);
var script = Wrk.InvokeScript("echo", body);
const int slicesPerApp = 3;
var sliceSeconds = Math.Max(2, seconds / slicesPerApp);
var running = new Dictionary<string, Measured>();
var load = apps.ToDictionary(a => a.Item1, _ => new List<LoadResult>());
var memory = new Dictionary<string, (long Idle, long Peak, List<long> Soak, LoadResult SoakLoad)>();
try
{
    foreach (var (name, path) in apps)
    {
        running[name] = Measured.Start(path, Measured.FreePort());
        await running[name].WaitForFirstInvokeAsync(Stopwatch.StartNew(), TimeSpan.FromSeconds(30));
    }
    await Task.Delay(1000);
    var idleRss = running.ToDictionary(p => p.Key, p => p.Value.Memory().RssKiB);
    foreach (var (name, _) in apps) await Wrk.RunAsync(running[name].Port, 32, TimeSpan.FromSeconds(3), script); // warm-up

    foreach (var connections in new[] { 1, 32, 200 })
    {
        var slices = apps.ToDictionary(a => a.Item1, _ => new List<LoadResult>());
        for (var round = 0; round < slicesPerApp; round++)
        {
            // ABBA order: neither side always runs first.
            foreach (var (name, _) in round % 2 == 0 ? apps : apps.Reverse())
                slices[name].Add(await Wrk.RunAsync(running[name].Port, connections, TimeSpan.FromSeconds(sliceSeconds), script));
        }
        foreach (var (name, _) in apps)
        {
            var result = Wrk.Combine(slices[name]);
            load[name].Add(result);
            Say($"{name} echo c={connections}: {result.RequestsPerSecond:0} req/s, p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms, errors {result.Errors}");
        }
    }

    // Soak, one server at a time (memory over time, not a ratio).
    foreach (var (name, _) in apps)
    {
        var app = running[name];
        var samples = new List<long>();
        var soak = Wrk.RunAsync(app.Port, 200, TimeSpan.FromSeconds(seconds * 3), script);
        while (!soak.IsCompleted)
        {
            samples.Add(app.Memory().RssKiB);
            await Task.WhenAny(soak, Task.Delay(TimeSpan.FromSeconds(seconds / 2.0)));
        }
        samples.Add(app.Memory().RssKiB);
        memory[name] = (idleRss[name], app.Memory().PeakKiB, samples, await soak);
    }
}
finally
{
    foreach (var app in running.Values) await app.DisposeAsync();
}

// 3. oss-put-object round trips against the local OSS at 32 connections.
var ossOptions = new OssEmulatorOptions();
ossOptions.Buckets.Add("bench-bucket");
ossOptions.Credentials.Add(new EmulatorCredential("STS.bench", "bench-secret-value", "CAIS-bench-token"));
LoadResult? ossLoad = null;
var stored = 0;
// Only the full package has the OSS samples (BENCH_SKIP_OSS=1 for the runtime-alone run).
if (Environment.GetEnvironmentVariable("BENCH_SKIP_OSS") != "1")
{
    await using (var oss = await OssEmulatorServer.StartAsync(ossOptions))
    // The local OSS is on loopback: the samples use it only with this opt-in (as scripts/run.sh sets it).
    await using (var app = Measured.Start(ours, Measured.FreePort(), new Dictionary<string, string> { ["OSS_ALLOW_LOOPBACK_ENDPOINTS"] = "true" }))
    {
        await app.WaitForFirstInvokeAsync(Stopwatch.StartNew(), TimeSpan.FromSeconds(30));
        var putEvent = $$"""{"endpoint":"{{oss.Endpoint}}","bucket":"bench-bucket","objectName":"bench/object.txt","message":"{{new string('m', 256)}}"}""";
        var putScript = Wrk.InvokeScript("oss-put-object", putEvent, new Dictionary<string, string>
        {
            ["x-fc-region"] = "cn-hangzhou",
            ["x-fc-access-key-id"] = "STS.bench",
            ["x-fc-access-key-secret"] = "bench-secret-value",
            ["x-fc-security-token"] = "CAIS-bench-token",
        });
        ossLoad = await Wrk.RunAsync(app.Port, 32, TimeSpan.FromSeconds(seconds), putScript);
        stored = oss.RequestsFor("PutObject").Count;
        Say($"oss-put-object c=32: {ossLoad.RequestsPerSecond:0} req/s, p50 {ossLoad.P50Ms:0.00} ms, p99 {ossLoad.P99Ms:0.00} ms, errors {ossLoad.Errors}, puts seen by OSS {stored}");
    }
}

// 4. Sizes.
long Zipped(string directory, params string[] only)
{
    var zip = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.zip");
    using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
    {
        foreach (var file in Directory.GetFiles(directory).Where(f => (only.Length == 0 || only.Contains(Path.GetFileName(f))) && Path.GetExtension(f) is not (".dbg" or ".pdb")))
            archive.CreateEntryFromFile(file, Path.GetFileName(file), CompressionLevel.SmallestSize);
    }

    var size = new FileInfo(zip).Length;
    File.Delete(zip);
    return size;
}
var oursZip = Zipped(Path.GetDirectoryName(ours)!);
var bareZip = Zipped(Path.GetDirectoryName(bare)!, "BareEcho", "bootstrap");
var image = Environment.GetEnvironmentVariable("BENCH_IMAGE_SIZE_BYTES") is { Length: > 0 } imageSize ? long.Parse(imageSize) : (long?)null;

// 5. The report.
var r = new StringBuilder();
var c = CultureInfo.InvariantCulture;
r.AppendLine("# Benchmark report").AppendLine();
r.AppendLine(c, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores by `bench/run.sh` ({runs} cold starts each, interleaved; each load figure from {slicesPerApp} slices of {sliceSeconds} s per server, alternating ABBA between the two servers running side by side).");
var oursLabel = Environment.GetEnvironmentVariable("BENCH_OURS_LABEL") is { Length: > 0 } label ? label : "the FC code package (`dist/code/bootstrap`: the runtime + all samples, Native AOT)";
r.AppendLine($"**ours** = {oursLabel}; **bare** = `bench/BareEcho`, the smallest Native AOT Kestrel app doing the same echo, built with the same settings. Load comes from wrk (1 thread) on the same machine, so both servers share the CPU with it alike.").AppendLine();
r.AppendLine("| metric | ours | bare | ratio | target | verdict |").AppendLine("|---|---:|---:|---:|---|---|");
void Row(string metric, double o, double b, string unit, string target, Func<double, bool> ok)
{
    var ratio = o / b;
    r.AppendLine(c, $"| {metric} | {o:0.##} {unit} | {b:0.##} {unit} | {ratio:0.00}× | {target} | {(ok(ratio) ? "met" : $"**missed** by {Math.Abs(ratio - double.Parse(target.Split(' ')[1].TrimEnd('×'), c)) * 100:0}%")} |");
}
Row("cold start, median (process start → first 200 /invoke)", Median(cold["ours"]), Median(cold["bare"]), "ms", "≤ 0.9×", x => x <= 0.9);
Row("cold start, p90", Percentile(cold["ours"], 0.9), Percentile(cold["bare"], 0.9), "ms", "≤ 0.9×", x => x <= 0.9);
r.AppendLine(c, $"| — CPU time of the start (all threads, to the first answer), median / p90 | {Median(coldCpu["ours"]):0.0} / {Percentile(coldCpu["ours"], 0.9):0.0} ms | {Median(coldCpu["bare"]):0.0} / {Percentile(coldCpu["bare"], 0.9):0.0} ms | {Median(coldCpu["ours"]) / Median(coldCpu["bare"]):0.00}× / {Percentile(coldCpu["ours"], 0.9) / Percentile(coldCpu["bare"], 0.9):0.00}× | | |");
foreach (var i in Enumerable.Range(0, 3))
{
    var (o, b) = (load["ours"][i], load["bare"][i]);
    Row($"echo 1 KiB, {o.Connections} connection(s): throughput", o.RequestsPerSecond, b.RequestsPerSecond, "req/s", "≥ 0.9×", x => x >= 0.9);
    r.AppendLine(c, $"| — p50 / p99 latency | {o.P50Ms:0.00} / {o.P99Ms:0.00} ms | {b.P50Ms:0.00} / {b.P99Ms:0.00} ms | {o.P50Ms / b.P50Ms:0.00}× / {o.P99Ms / b.P99Ms:0.00}× | | |");
}
Row("idle RSS after the first invoke", idle["ours"].Average() / 1024.0, idle["bare"].Average() / 1024.0, "MiB", "≤ 1.15×", x => x <= 1.15);
Row("idle RSS before load", memory["ours"].Idle / 1024.0, memory["bare"].Idle / 1024.0, "MiB", "≤ 1.15×", x => x <= 1.15);
Row("peak RSS (VmHWM) over all load runs", memory["ours"].Peak / 1024.0, memory["bare"].Peak / 1024.0, "MiB", "≤ 1.2×", x => x <= 1.2);
r.AppendLine(c, $"| package, zipped | {oursZip / 1048576.0:0.0} MiB | {bareZip / 1048576.0:0.0} MiB | {(double)oursZip / bareZip:0.00}× | | |");
// The app beside its bootstrap: the largest file that is not debug symbols.
long Executable(string bootstrap) => Directory.GetFiles(Path.GetDirectoryName(bootstrap)!)
    .Where(f => Path.GetExtension(f) is not (".dbg" or ".pdb"))
    .Max(f => new FileInfo(f).Length);
var (oursExe, bareExe) = (Executable(ours), Executable(bare));
r.AppendLine(c, $"| executable | {oursExe / 1048576.0:0.0} MiB | {bareExe / 1048576.0:0.0} MiB | {(double)oursExe / bareExe:0.00}× | | |");
if (image is { } bytes) r.AppendLine(c, $"| container image (`docker build .`) | {bytes / 1048576.0:0} MiB | | | | |");
r.AppendLine();
// What the idle memory is made of: the figures behind a missed memory (and, with the executable's size, cold start) target.
var (oursSplit, bareSplit) = (idleSplit["ours"], idleSplit["bare"]);
r.AppendLine(c, $"Idle RSS by kind: ours {oursSplit.FileKiB / 1024.0:0.0} MiB of mapped files (the executable's pages) + {oursSplit.AnonKiB / 1024.0:0.0} MiB anonymous; bare {bareSplit.FileKiB / 1024.0:0.0} + {bareSplit.AnonKiB / 1024.0:0.0} MiB.");
r.AppendLine("File pages grow with the executable (the kernel maps code around each fault), and so does start-up work (the AOT image's data")
 .AppendLine("rehydrated and relocated at load): a larger executable costs both idle memory and cold start.").AppendLine();
r.AppendLine(c, $"Memory over a {seconds * 3} s soak at 200 connections (RSS MiB, sampled every {seconds / 2.0:0.#} s): ours {string.Join(" → ", memory["ours"].Soak.Select(k => (k / 1024.0).ToString("0.0", c)))} ({memory["ours"].SoakLoad.Requests} requests, {memory["ours"].SoakLoad.Errors} errors); bare {string.Join(" → ", memory["bare"].Soak.Select(k => (k / 1024.0).ToString("0.0", c)))} ({memory["bare"].SoakLoad.Requests} requests, {memory["bare"].SoakLoad.Errors} errors).").AppendLine();
if (ossLoad is not null) r.AppendLine(c, $"`oss-put-object` against the local OSS (which verifies every V4 signature), 32 connections: **{ossLoad.RequestsPerSecond:0} invocations/s**, p50 {ossLoad.P50Ms:0.00} ms, p99 {ossLoad.P99Ms:0.00} ms, {ossLoad.Errors} errors, {stored} puts reached the OSS.").AppendLine();
r.AppendLine(c, $"Errors during echo runs: ours {load["ours"].Sum(l => l.Errors)}, bare {load["bare"].Sum(l => l.Errors)}.").AppendLine();
r.AppendLine("```mermaid").AppendLine("xychart-beta").AppendLine("  title \"echo 1 KiB throughput (req/s): ours (first bar) vs bare (second bar)\"");
r.AppendLine("  x-axis [\"1 conn\", \"32 conns\", \"200 conns\"]").AppendLine("  y-axis \"req/s\"");
r.AppendLine(c, $"  bar [{string.Join(", ", load["ours"].Select(l => l.RequestsPerSecond.ToString("0", c)))}]");
r.AppendLine(c, $"  bar [{string.Join(", ", load["bare"].Select(l => l.RequestsPerSecond.ToString("0", c)))}]");
r.AppendLine("```").AppendLine();
r.AppendLine(c, $"Cold starts (ms) — ours: {string.Join(", ", cold["ours"].Select(x => x.ToString("0.0", c)))}; bare: {string.Join(", ", cold["bare"].Select(x => x.ToString("0.0", c)))}.");
Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
await File.WriteAllTextAsync(reportPath, r.ToString());
Console.WriteLine(r.ToString());
return 0;

static double Median(List<double> values) => Percentile(values, 0.5);
static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
