using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using FunctionCompute.OssEmulator.Hosting;

namespace FunctionCompute.OssEmulator;

/// <summary>Command line: <c>OssEmulator --port 9100 --bucket demo-bucket --access-key-id ID --access-key-secret SECRET</c>.</summary>
internal static class Program
{
    internal const int BadArguments = 2;

    private const string Usage = """
        Usage: OssEmulator --bucket NAME [--bucket NAME2 ...] (--access-key-id ID --access-key-secret SECRET [--security-token TOKEN] | --credentials-file FILE)
                           [--port PORT] [--region REGION] [--data-dir DIR] [--listen ADDRESS] [--quiet]

          --port N                 TCP port (default 9100; 0 = any free port)            env OSS_EMULATOR_PORT
          --bucket NAME            a bucket that exists (repeatable)                      env OSS_EMULATOR_BUCKETS (comma list)
          --access-key-id ID       credential key id                                      env OSS_EMULATOR_ACCESS_KEY_ID
          --access-key-secret S    credential secret                                      env OSS_EMULATOR_ACCESS_KEY_SECRET
          --security-token T       STS token required with that key id                    env OSS_EMULATOR_SECURITY_TOKEN
          --credentials-file FILE  JSON array of {accessKeyId, accessKeySecret, securityToken?, expiration?}
          --region REGION          signing region (default cn-hangzhou)                   env OSS_EMULATOR_REGION
          --data-dir DIR           persist objects in DIR (default: in memory)            env OSS_EMULATOR_DATA_DIR
          --listen ADDRESS         address to bind (default 127.0.0.1)
          --quiet                  do not log requests
        Admin API (loopback): GET /_emulator/health, GET|POST|DELETE /_emulator/faults, GET|DELETE /_emulator/requests
        """;

    public static async Task<int> Main(string[] args)
    {
        OssEmulatorOptions options;
        bool quiet;
        try
        {
            if (args.Any(a => a is "--help" or "-h" or "-?"))
            {
                Console.Out.WriteLine(Usage);
                return 0;
            }

            (options, quiet) = Parse(args, Environment.GetEnvironmentVariable);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine("OssEmulator: error: " + ex.Message);
            Console.Error.WriteLine("Run with --help for usage.");
            return BadArguments;
        }

        if (!quiet) options.Log = line => Console.Out.WriteLine(line);
        OssEmulatorServer server;
        try
        {
            server = await OssEmulatorServer.StartAsync(options).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"OssEmulator: cannot start: {ex.Message}");
            return 1;
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

        string credentialIds = string.Join(", ", options.Credentials.Select(c => c.ToString()));
        Console.Out.WriteLine($"OSS emulator listening on {server.Endpoint} (region {server.Region}, buckets: {string.Join(", ", options.Buckets)})");
        Console.Out.WriteLine($"credentials: {credentialIds}; storage: {(options.DataDirectory is null ? "memory" : options.DataDirectory)}");
        Console.Out.Flush();
        await stop.Task.ConfigureAwait(false);
        await server.DisposeAsync().ConfigureAwait(false);
        Console.Out.WriteLine("OSS emulator stopped");
        return 0;
    }

    /// <summary>Parses arguments over environment defaults; throws <see cref="ArgumentException"/> with a user-facing message.</summary>
    internal static (OssEmulatorOptions Options, bool Quiet) Parse(string[] args, Func<string, string?> env)
    {
        var options = new OssEmulatorOptions { Port = 9100 };
        string? portText = env("OSS_EMULATOR_PORT");
        var buckets = new List<string>();
        var envBuckets = env("OSS_EMULATOR_BUCKETS");
        string? id = env("OSS_EMULATOR_ACCESS_KEY_ID"), secret = env("OSS_EMULATOR_ACCESS_KEY_SECRET"), token = env("OSS_EMULATOR_SECURITY_TOKEN");
        string? region = env("OSS_EMULATOR_REGION"), dataDir = env("OSS_EMULATOR_DATA_DIR"), credentialsFile = null, listen = null;
        bool quiet = false;

        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? inline = null;
            int eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value()
            {
                if (inline is not null) return inline;
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"{arg} needs a value.");
                }

                return args[++i];
            }

            switch (arg)
            {
                case "--port": portText = Value(); break;
                case "--bucket": buckets.Add(Value()); break;
                case "--access-key-id": id = Value(); break;
                case "--access-key-secret": secret = Value(); break;
                case "--security-token": token = Value(); break;
                case "--credentials-file": credentialsFile = Value(); break;
                case "--data-dir": dataDir = Value(); break;
                case "--region": region = Value(); break;
                case "--listen": listen = Value(); break;
                case "--quiet": quiet = true; break;
                default: throw new ArgumentException($"unknown argument '{arg}'.");
            }
        }

        if (buckets.Count == 0 && !string.IsNullOrWhiteSpace(envBuckets))
        {
            buckets.AddRange(envBuckets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        if (buckets.Count == 0) throw new ArgumentException("at least one --bucket (or OSS_EMULATOR_BUCKETS) is required.");
        foreach (string b in buckets)
        {
            if (!FunctionCompute.Oss.Addressing.OssNames.IsValidBucketName(b)) throw new ArgumentException($"'{b}' is not a valid bucket name (3-63 lowercase letters, digits, hyphens).");
            if (!options.Buckets.Contains(b)) options.Buckets.Add(b);
        }

        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
            {
                throw new ArgumentException($"--port must be a number between 0 and 65535, not '{portText}'.");
            }

            options.Port = port;
        }

        if (!string.IsNullOrEmpty(id) || !string.IsNullOrEmpty(secret))
        {
            if (string.IsNullOrEmpty(id)) throw new ArgumentException("--access-key-secret was given without --access-key-id.");
            if (string.IsNullOrEmpty(secret)) throw new ArgumentException("--access-key-id was given without --access-key-secret.");
            options.Credentials.Add(new EmulatorCredential(id, secret, token));
        }
        else if (!string.IsNullOrEmpty(token))
        {
            throw new ArgumentException("--security-token needs --access-key-id and --access-key-secret.");
        }

        if (credentialsFile is not null)
        {
            foreach (EmulatorCredential c in ReadCredentialsFile(credentialsFile)) options.Credentials.Add(c);
        }

        if (options.Credentials.Count == 0)
        {
            throw new ArgumentException("no credentials: give --access-key-id and --access-key-secret (or the OSS_EMULATOR_* variables), or --credentials-file.");
        }

        if (region is not null)
        {
            if (string.IsNullOrWhiteSpace(region) || region.StartsWith("oss-", StringComparison.Ordinal))
            {
                throw new ArgumentException($"--region must be a region id such as cn-hangzhou (without 'oss-'), not '{region}'.");
            }

            options.Region = region.Trim();
        }

        if (!string.IsNullOrWhiteSpace(dataDir)) options.DataDirectory = dataDir;
        if (listen is not null)
        {
            if (!IPAddress.TryParse(listen, out IPAddress? address)) throw new ArgumentException($"--listen must be an IP address, not '{listen}'.");
            options.ListenAddress = address;
        }

        return (options, quiet);
    }

    private static List<EmulatorCredential> ReadCredentialsFile(string path)
    {
        List<CredentialFileEntry>? entries;
        try
        {
            entries = JsonSerializer.Deserialize(File.ReadAllBytes(path), EmulatorJsonContext.Default.ListCredentialFileEntry);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot read --credentials-file '{path}': {ex.Message}");
        }
        catch (JsonException ex)
        {
            // The exception text may quote file content (a secret); only the position is reported.
            throw new ArgumentException($"--credentials-file '{path}' is not a JSON array of credentials (line {ex.LineNumber + 1}).");
        }

        var result = new List<EmulatorCredential>();
        int index = 0;
        foreach (CredentialFileEntry e in entries ?? [])
        {
            if (string.IsNullOrWhiteSpace(e.AccessKeyId) || string.IsNullOrEmpty(e.AccessKeySecret))
            {
                throw new ArgumentException($"--credentials-file entry {index} needs accessKeyId and accessKeySecret.");
            }

            result.Add(new EmulatorCredential(e.AccessKeyId, e.AccessKeySecret, e.SecurityToken, e.Expiration));
            index++;
        }

        return result;
    }
}
