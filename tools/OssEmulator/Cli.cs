using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Net;
using System.Text.Json;
using FunctionCompute.Oss.Addressing;
using FunctionCompute.OssEmulator.Hosting;

namespace FunctionCompute.OssEmulator;

/// <summary>
/// The command line (System.CommandLine, as fc-local): every option also has its <c>OSS_EMULATOR_*</c> variable,
/// the option winning. Exit codes: 0 stopped normally (or help shown), 1 could not start, 2 usage error.
/// </summary>
internal static class EmulatorCli
{
    public const int Success = 0, StartFailed = 1, UsageError = 2;

    private static readonly Option<string?> Port = Value("--port", "PORT", "TCP port to listen on; 0 picks a free one (default 9100) [env: OSS_EMULATOR_PORT]");
    private static readonly Option<string[]> Buckets = new("--bucket") { HelpName = "NAME", Description = "A bucket that exists; repeat for more [env: OSS_EMULATOR_BUCKETS, comma-separated]", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> AccessKeyId = Value("--access-key-id", "ID", "Key id of a credential requests may sign with [env: OSS_EMULATOR_ACCESS_KEY_ID]");
    private static readonly Option<string?> AccessKeySecret = Value("--access-key-secret", "SECRET", "Its secret; never printed [env: OSS_EMULATOR_ACCESS_KEY_SECRET]");
    private static readonly Option<string?> SecurityToken = Value("--security-token", "TOKEN", "Makes the key id an STS one: requests must carry this x-oss-security-token [env: OSS_EMULATOR_SECURITY_TOKEN]");
    private static readonly Option<string?> CredentialsFile = Value("--credentials-file", "FILE", "More credentials: a JSON array of {accessKeyId, accessKeySecret, securityToken?, expiration?}");
    private static readonly Option<string?> Region = Value("--region", "REGION", "The region V4 signatures must name, without 'oss-' (default cn-hangzhou) [env: OSS_EMULATOR_REGION]");
    private static readonly Option<string?> DataDir = Value("--data-dir", "DIR", "Keep objects in DIR across runs (default: in memory) [env: OSS_EMULATOR_DATA_DIR]");
    private static readonly Option<string?> Listen = Value("--listen", "ADDRESS", "IP address to bind (default 127.0.0.1: this machine only)");
    private static readonly Option<bool> Quiet = new("--quiet") { Description = "Do not log a line per request" };

    // Values stay text here: EmulatorCli.Resolve checks them, whether they came from an option or a variable.
    private static Option<string?> Value(string name, string helpName, string description) =>
        new(name) { HelpName = helpName, Description = description };

    public static Command Build(Func<string, string?> env, Func<OssEmulatorOptions, bool, CancellationToken, Task<int>> serve, TextWriter error)
    {
        // A named command rather than RootCommand, whose name is the assembly's (OssEmulator): the help names the command a
        // user types, oss-emulator (the tool's command), with the help and version options RootCommand would add.
        var root = new Command("oss-emulator",
            "A local Alibaba Cloud OSS (path style) that checks V4 signatures and security tokens against its credentials. "
            + "Needs at least one bucket and one credential. Admin API (same port): GET /_emulator/health, "
            + "GET|POST|DELETE /_emulator/faults, GET|DELETE /_emulator/requests.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        foreach (var option in new Option[] { Port, Buckets, AccessKeyId, AccessKeySecret, SecurityToken, CredentialsFile, Region, DataDir, Listen, Quiet })
        {
            root.Options.Add(option);
        }

        root.SetAction(async (result, token) =>
        {
            OssEmulatorOptions options;
            try
            {
                options = Resolve(result, env);
            }
            catch (ArgumentException ex)
            {
                return Usage(error, ex.Message);
            }

            return await serve(options, result.GetValue(Quiet), token).ConfigureAwait(false);
        });
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs <paramref name="serve"/> with the options, or prints help or a usage error.</summary>
    public static async Task<int> RunAsync(string[] args, Func<string, string?> env, TextWriter output, TextWriter error,
        Func<OssEmulatorOptions, bool, CancellationToken, Task<int>> serve)
    {
        var root = Build(env, serve, error);
        var parsed = root.Parse(args);
        if (parsed.UnmatchedTokens.Count > 0)
        {
            // Said plainly, and first: the parser's own errors about what followed an unknown token add nothing.
            return Usage(error, [.. parsed.UnmatchedTokens.Select(t => $"unknown argument '{t}'.")]);
        }

        if (parsed.Errors.Count > 0)
        {
            return Usage(error, [.. parsed.Errors.Select(e => e.Message)]);
        }

        // The emulator stops itself on Ctrl+C / SIGTERM (and says so), so System.CommandLine must not end the process first.
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null }).ConfigureAwait(false);
    }

    private static int Usage(TextWriter error, params string[] messages)
    {
        foreach (var message in messages) error.WriteLine("oss-emulator: error: " + message);
        error.WriteLine("Run 'oss-emulator --help' for usage.");
        return UsageError;
    }

    /// <summary>The options over the <c>OSS_EMULATOR_*</c> variables over the defaults; throws <see cref="ArgumentException"/> with a user-facing message.</summary>
    internal static OssEmulatorOptions Resolve(ParseResult result, Func<string, string?> env)
    {
        var options = new OssEmulatorOptions { Port = 9100 };
        var portText = result.GetValue(Port) ?? env("OSS_EMULATOR_PORT");
        var id = result.GetValue(AccessKeyId) ?? env("OSS_EMULATOR_ACCESS_KEY_ID");
        var secret = result.GetValue(AccessKeySecret) ?? env("OSS_EMULATOR_ACCESS_KEY_SECRET");
        var token = result.GetValue(SecurityToken) ?? env("OSS_EMULATOR_SECURITY_TOKEN");
        var region = result.GetValue(Region) ?? env("OSS_EMULATOR_REGION");
        var dataDir = result.GetValue(DataDir) ?? env("OSS_EMULATOR_DATA_DIR");
        var listen = result.GetValue(Listen);

        List<string> buckets = [.. result.GetValue(Buckets) ?? []];
        if (buckets.Count == 0 && env("OSS_EMULATOR_BUCKETS") is { } envBuckets)
        {
            buckets.AddRange(envBuckets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        if (buckets.Count == 0) throw new ArgumentException("at least one --bucket (or OSS_EMULATOR_BUCKETS) is required.");
        foreach (var b in buckets)
        {
            if (!OssNames.IsValidBucketName(b)) throw new ArgumentException($"'{b}' is not a valid bucket name ({OssNames.BucketRule}).");
            if (!options.Buckets.Contains(b)) options.Buckets.Add(b);
        }

        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
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

        if (result.GetValue(CredentialsFile) is { } credentialsFile)
        {
            foreach (var c in ReadCredentialsFile(credentialsFile)) options.Credentials.Add(c);
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
            if (!IPAddress.TryParse(listen, out var address)) throw new ArgumentException($"--listen must be an IP address, not '{listen}'.");
            options.ListenAddress = address;
        }

        return options;
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
        var index = 0;
        foreach (var e in entries ?? [])
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
