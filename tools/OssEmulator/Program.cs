using System.Runtime.InteropServices;

namespace FunctionCompute.OssEmulator;

/// <summary><c>oss-emulator --bucket demo-bucket --access-key-id ID --access-key-secret SECRET [--port 9100]</c>; <c>--help</c> lists every option.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        EmulatorCli.RunAsync(args, Environment.GetEnvironmentVariable, Console.Out, Console.Error, ServeAsync);

    /// <summary>Runs the server until Ctrl+C or SIGTERM.</summary>
    private static async Task<int> ServeAsync(OssEmulatorOptions options, bool quiet, CancellationToken cancellationToken)
    {
        if (!quiet) options.Log = line => Console.Out.WriteLine(line);
        OssEmulatorServer server;
        try
        {
            server = await OssEmulatorServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"oss-emulator: cannot start: {ex.Message}");
            return EmulatorCli.StartFailed;
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            stop.TrySetResult();
        });

        var credentialIds = string.Join(", ", options.Credentials.Select(c => c.ToString()));
        Console.Out.WriteLine($"OSS emulator listening on {server.Endpoint} (region {server.Region}, buckets: {string.Join(", ", options.Buckets)})");
        Console.Out.WriteLine($"credentials: {credentialIds}; storage: {(options.DataDirectory is null ? "memory" : options.DataDirectory)}");
        Console.Out.Flush();
        await stop.Task.ConfigureAwait(false);
        await server.DisposeAsync().ConfigureAwait(false);
        Console.Out.WriteLine("OSS emulator stopped");
        return EmulatorCli.Success;
    }
}
