using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FunctionCompute.Runtime.Contract;

namespace FunctionCompute.FcLocal;

/// <summary><c>fc-local invoke</c>: one invocation as FC makes it, then the summary FC prints.</summary>
internal static class InvokeCommand
{
    public static async Task<int> RunAsync(FunctionSettings settings, string? image, CredentialsMode mode, byte[] input, CancellationToken cancel)
    {
        // Ctrl+C / SIGTERM: stop waiting, and the instance (process tree or container) is stopped on the way out.
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; interrupted.Cancel(); });
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; interrupted.Cancel(); });
        var token = interrupted.Token;
        var credentials = await CredentialsSource.ResolveAsync(mode, token);
        var what = image is null ? $"{settings.CodeDirectory}/bootstrap" : $"image {image}";
        await using var instance = await FunctionInstance.StartAsync(settings, image, credentials, mode == CredentialsMode.Default, Terminal.FunctionLog);
        await Terminal.ProgressAsync($"starting {settings.FunctionName} ({what}) on {instance.Address} (loopback only)",
            async () => { await instance.WaitUntilReadyAsync(TimeSpan.FromSeconds(image is null ? 30 : 120), token); return 0; });

        if (settings.Initializer is not null)
        {
            var initializer = await FcCalls.InitializeAsync(instance.Client, settings, credentials, token);
            await instance.WaitForLogAsync($"FC Initialize End RequestId: {initializer.RequestId}", TimeSpan.FromSeconds(1));
            if (!initializer.Succeeded)
            {
                // As FC reports it: the invocation never ran; its caller gets 200 with X-Fc-Error-Type: InitializationError.
                Terminal.Error($"{FcCalls.InitializationError}: {initializer.Verdict}, so the invocation did not run. "
                    + $"FC answers the caller 200 with {FcCalls.ErrorTypeHeader}: {FcCalls.InitializationError} and this body:");
                PrintError(initializer.Body);
                Summary(initializer.RequestId, TimeSpan.Zero, settings.MemoryMB, await instance.MaxMemoryUsedAsync(), succeeded: false);
                await instance.StopAsync(TimeSpan.FromSeconds(5));
                return Cli.FunctionError;
            }
        }

        var requestId = FcCalls.NewRequestId();
        using var request = new HttpRequestMessage(HttpMethod.Post, ControlPaths.Invoke) { Content = new ByteArrayContent(input) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        FcCalls.AddHeaders(request.Headers, settings, credentials, requestId, ControlPaths.Invoke);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds + 3)); // as s local: the function's timeout plus a margin

        var clock = Stopwatch.StartNew();
        int fcStatus;
        byte[] result;
        try
        {
            using var response = await instance.Client.SendAsync(request, timeout.Token);
            result = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            fcStatus = FcCalls.Status(response);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !token.IsCancellationRequested)
        {
            clock.Stop();
            Terminal.Error(exception is OperationCanceledException
                ? $"the function did not answer within its timeout ({settings.TimeoutSeconds} s + 3 s)"
                : $"the function failed to answer: {exception.Message}");
            await instance.StopAsync(TimeSpan.FromSeconds(5));
            return Cli.FunctionError;
        }
        clock.Stop();
        await instance.WaitForLogAsync($"FC Invoke End RequestId: {requestId}", TimeSpan.FromSeconds(2));
        var memory = await instance.MaxMemoryUsedAsync();

        if (fcStatus == 200)
        {
            using var stdout = Console.OpenStandardOutput();
            stdout.Write(result);
            if (result.Length > 0 && result[^1] != (byte)'\n' && !Console.IsOutputRedirected) stdout.Write("\n"u8);
            stdout.Flush();
        }
        else
        {
            PrintError(Encoding.UTF8.GetString(result));
        }
        Summary(requestId, clock.Elapsed, settings.MemoryMB, memory, fcStatus == 200);
        await instance.StopAsync(TimeSpan.FromSeconds(5));
        return fcStatus == 200 ? Cli.Success : Cli.FunctionError;
    }

    /// <summary>FC's error JSON, readable: the JSON (indented) on stdout, a one-line verdict and the stack on stderr.</summary>
    internal static void PrintError(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            Terminal.Out(JsonSerializer.Serialize(root, FcLocalJson.Indented.JsonElement));
            var type = root.TryGetProperty("errorType", out var t) ? t.ToString() : "error";
            var message = root.TryGetProperty("errorMessage", out var m) ? m.ToString() : body;
            Terminal.Error($"{type}: {message}");
            if (root.TryGetProperty("stackTrace", out var stack) && stack.ValueKind == JsonValueKind.Array)
                foreach (var frame in stack.EnumerateArray().Take(12)) Console.Error.WriteLine($"    {frame}");
        }
        catch (JsonException)
        {
            Terminal.Out(body);
            Terminal.Error("the function failed (its answer is not FC's error JSON)");
        }
    }

    /// <summary>The summary FC reports for an invocation.</summary>
    internal static void Summary(string requestId, TimeSpan duration, int memorySizeMB, long? maxMemoryBytes, bool succeeded)
    {
        var ms = duration.TotalMilliseconds;
        var billed = (long)Math.Ceiling(ms); // FC 3.0 bills by the millisecond (see the report's doubts)
        var used = maxMemoryBytes is { } bytes ? (bytes / 1024d / 1024d).ToString("0.00", CultureInfo.InvariantCulture) + " MB" : "unknown";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"RequestId: {requestId}  Duration: {ms:0.00} ms  Billed Duration: {billed} ms  Memory Size: {memorySizeMB} MB  Max Memory Used: {used}");
        Terminal.Status((succeeded ? "" : "FAILED  ") + line, succeeded ? "32" : "31");
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonElement))]
internal sealed partial class FcLocalJson : System.Text.Json.Serialization.JsonSerializerContext
{
    public static FcLocalJson Indented { get; } = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
