namespace FunctionCompute.FcLocal;

/// <summary>Console output: colour only on a terminal and without NO_COLOR; the function's log and progress go to stderr.</summary>
internal static class Terminal
{
    private static readonly Lock Gate = new();
    private static bool _spinning;

    /// <summary>Clears the spinner's line so a log line does not land after it (the spinner redraws on its next tick).</summary>
    private static void ClearSpinner()
    {
        if (_spinning) Console.Error.Write("\r\u001b[2K");
    }

    public static bool Colour { get; } = !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
    // stderr is coloured only when stdout is too (and stderr itself is a terminal): `fc-local invoke 2>log` keeps a clean log.
    private static bool ErrorColour { get; } = Colour && !Console.IsErrorRedirected;

    public static string Paint(string text, string code, bool enabled) => enabled ? $"\u001b[{code}m{text}\u001b[0m" : text;

    /// <summary>A status line for people (stderr).</summary>
    public static void Status(string text, string colour = "36")
    {
        lock (Gate)
        {
            ClearSpinner();
            Console.Error.WriteLine(Paint("fc-local: ", colour, ErrorColour) + text);
        }
    }

    public static void Error(string text)
    {
        lock (Gate) Console.Error.WriteLine(Paint("fc-local: ", "31", ErrorColour) + text);
    }

    /// <summary>A line of the function's own log (stderr, dimmed on a terminal).</summary>
    public static void FunctionLog(string line)
    {
        lock (Gate)
        {
            ClearSpinner();
            Console.Error.WriteLine(Paint(line, "2", ErrorColour));
        }
    }

    /// <summary>A line for stdout (what a script reads: the result, the address).</summary>
    public static void Out(string text)
    {
        lock (Gate) Console.Out.WriteLine(text);
    }

    /// <summary>Shows progress while <paramref name="work"/> runs: a live counter on a terminal, start and end lines otherwise.</summary>
    public static async Task<T> ProgressAsync<T>(string what, Func<Task<T>> work)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        if (Console.IsErrorRedirected)
        {
            Status($"{what} ...");
            var value = await work();
            Status($"{what}: ready in {started.ElapsedMilliseconds} ms", "32");
            return value;
        }
        using var stop = new CancellationTokenSource();
        lock (Gate) _spinning = true;
        var spinner = Task.Run(async () =>
        {
            var frames = "|/-\\";
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                lock (Gate) Console.Error.Write($"\r{Paint("fc-local: ", "36", ErrorColour)}{what} {frames[i % frames.Length]} {started.Elapsed.TotalSeconds:0.0}s");
                try { await Task.Delay(100, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        try
        {
            var value = await work();
            await stop.CancelAsync();
            await spinner;
            lock (Gate)
            {
                Console.Error.Write("\r\u001b[2K");
                _spinning = false;
            }
            Status($"{what}: ready in {started.ElapsedMilliseconds} ms", "32");
            return value;
        }
        catch
        {
            await stop.CancelAsync();
            await spinner;
            lock (Gate)
            {
                Console.Error.WriteLine();
                _spinning = false;
            }
            throw;
        }
    }
}
