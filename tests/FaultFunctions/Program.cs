using System.Text;
using FunctionCompute.Runtime;
using Microsoft.Extensions.Logging;

// Handlers that misbehave the ways user code does. Each one is driven by the reliability suite
// (tests/Reliability.Tests) to show the runtime answers in the contract's format and keeps serving.
var app = FunctionApp.CreateBuilder(args).Build();

app.MapEvent("echo", (input, _) => input);

// With FAULT_INITIALIZER=throw, an initializer that fails (a missing setting, a dependency down): FC then answers the
// caller with InitializationError and never calls the function. Without the variable the app has no initializer.
if (Environment.GetEnvironmentVariable("FAULT_INITIALIZER") == "throw")
    app.OnInitialize(_ => throw new InvalidOperationException("the initializer could not load its settings"));

// Throws the exception the event names; the message carries the rest of the event.
app.MapEvent("throw", Stream (Stream input, IFcContext _) =>
{
    var text = new StreamReader(input).ReadToEnd();
    var (kind, message) = text.IndexOf(':') is var colon and >= 0 ? (text[..colon], text[(colon + 1)..]) : (text, "asked to throw");
    throw kind switch
    {
        "null" => new NullReferenceException(message),
        "argument" => new ArgumentException(message),
        "aggregate" => new AggregateException(message, new InvalidOperationException("first inner"), new TimeoutException("second inner")),
        "nested" => new InvalidOperationException(message, new IOException("the cause")),
        "task-canceled" => new TaskCanceledException(message),
        _ => new InvalidOperationException(message),
    };
});

// Blocks its thread and never looks at the cancellation token: the runtime must answer the timeout on its own.
app.MapEvent("hang-blocking", (input, context) =>
{
    context.Logger.LogInformation("blocking forever");
    Thread.Sleep(Timeout.Infinite);
    return input;
});

// Blocks its thread for the milliseconds the event gives, then returns the event: past the deadline, a late answer.
app.MapEvent("block-then-return", (input, context) =>
{
    var milliseconds = int.Parse(new StreamReader(input).ReadToEnd());
    Thread.Sleep(milliseconds);
    return new MemoryStream(Encoding.UTF8.GetBytes("late " + milliseconds));
});

// Never completes and ignores the token, without holding a thread.
app.MapEvent("hang-async", async (input, context) =>
{
    context.Logger.LogInformation("awaiting forever");
    await new TaskCompletionSource().Task;
    return input;
});

// Allocates until the GC heap limit (DOTNET_GCHeapHardLimit) refuses: OutOfMemoryException inside the handler.
app.MapEvent("allocate", Stream (Stream input, IFcContext context) =>
{
    var hoard = new List<byte[]>();
    while (true)
    {
        var block = new byte[8 * 1024 * 1024];
        Array.Fill(block, (byte)1); // touch the pages so the memory is real
        hoard.Add(block);
        if (hoard.Count % 16 == 0) context.Logger.LogInformation("holding {Megabytes} MB", hoard.Count * 8);
    }
});

// Returns a large result after a pause: the caller may be gone by then.
app.MapEvent("slow-large-result", async (input, context) =>
{
    await Task.Delay(TimeSpan.FromMilliseconds(500));
    return (Stream)new MemoryStream(new byte[16 * 1024 * 1024]);
});

// Reads the event to the end and answers its length (a caller that disconnects mid-body never gets here).
app.MapEvent("count", async (input, context) =>
{
    var length = 0L;
    var buffer = new byte[81920];
    int read;
    while ((read = await input.ReadAsync(buffer, context.CancellationToken)) > 0) length += read;
    return (Stream)new MemoryStream(Encoding.UTF8.GetBytes(length.ToString()));
});

// A web endpoint that keeps writing after its caller went away, ignoring RequestAborted.
app.MapGet("/stream-ignoring-abort", async (HttpContext http) =>
{
    var chunk = new byte[64 * 1024];
    for (var i = 0; i < 200; i++)
    {
        await http.Response.Body.WriteAsync(chunk);
        await http.Response.Body.FlushAsync();
        await Task.Delay(10);
    }
});

// A web endpoint that stays in flight for ?milliseconds=N and answers the most requests it has seen in flight at once:
// a local trigger's concurrency limit shows in that count (fc-local's tests), not in how long the calls took.
var inFlight = 0;
var peakInFlight = 0;
app.MapGet("/in-flight", async (HttpContext http) =>
{
    var now = Interlocked.Increment(ref inFlight);
    int peak;
    while ((peak = Volatile.Read(ref peakInFlight)) < now && Interlocked.CompareExchange(ref peakInFlight, now, peak) != peak)
    {
    }
    try
    {
        var milliseconds = int.TryParse(http.Request.Query["milliseconds"], out var ms) ? Math.Clamp(ms, 0, 10_000) : 0;
        await Task.Delay(milliseconds, http.RequestAborted);
    }
    finally
    {
        Interlocked.Decrement(ref inFlight);
    }
    return Volatile.Read(ref peakInFlight).ToString(System.Globalization.CultureInfo.InvariantCulture);
});

app.Run();
