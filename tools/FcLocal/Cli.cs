using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace FunctionCompute.FcLocal;

/// <summary>The command line: <c>fc-local invoke</c> and <c>fc-local start</c>. Exit codes: 0 success, 1 function error, 2 usage error.</summary>
internal static class Cli
{
    public const int Success = 0, FunctionError = 1, UsageError = 2, Interrupted = 130;

    // Options shared by both commands: FC's function configuration.
    private static readonly Option<string?> Code = new("--code") { HelpName = "DIR", Description = "The code package directory holding bootstrap (default: s.yaml's code, else dist/code)" };
    private static readonly Option<string?> Image = new("--image") { HelpName = "IMAGE", Description = "Run this container image instead (docker run --network host)" };
    private static readonly Option<string?> Handler = new("--handler") { HelpName = "NAME", Description = "The function's handler setting (sent as x-fc-function-handler)" };
    private static readonly Option<int?> Memory = new("--memory") { HelpName = "MB", Description = "Memory size in MB (FC_FUNCTION_MEMORY_SIZE, x-fc-function-memory)" };
    private static readonly Option<int?> TimeoutOption = new("--timeout") { HelpName = "SECONDS", Description = "Function timeout in seconds" };
    private static readonly Option<int?> Concurrency = new("--concurrency") { HelpName = "N", Description = "Instance concurrency: requests served at once (start)" };
    private static readonly Option<string?> Initializer = new("--initializer") { HelpName = "NAME", Description = "Initializer handler: /initialize is called once before the first invocation" };
    private static readonly Option<string?> PreStop = new("--pre-stop") { HelpName = "NAME", Description = "Pre-stop handler: /pre-stop is called before the instance stops" };
    private static readonly Option<string[]> Env = new("--env") { HelpName = "K=V", Description = "An environment variable for the function, K=V (repeatable)", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> Region = new("--region") { HelpName = "REGION", Description = "Region id (default cn-hangzhou)" };
    private static readonly Option<string?> Function = new("--function") { HelpName = "NAME", Description = "Function name" };
    private static readonly Option<string?> Config = new("--config") { HelpName = "FILE", Description = "Serverless Devs s.yaml to read defaults from (default: ./s.yaml when present)" };
    private static readonly Option<string?> Resource = new("--resource") { HelpName = "NAME", Description = "The s.yaml resource to use (default: the first)" };
    private static readonly Option<bool> NoConfig = new("--no-config") { Description = "Do not read ./s.yaml" };
    private static readonly Option<CredentialsMode> CredentialsOption = new("--credentials")
    {
        Description = "Where the invocation's STS credentials come from: generated (made up for the run; the default), none, or default "
            + "(your real keys from the default credentials chain: only when the function must reach real cloud services; the function listens on 127.0.0.1 only)",
        DefaultValueFactory = _ => CredentialsMode.Generated,
    };
    private static readonly Option<bool> Generated = new("--generated-credentials") { Description = "Same as --credentials generated (the default)" };

    // invoke
    private static readonly Option<string?> Event = new("--event", "-e") { HelpName = "EVENT", Description = "The event (text or JSON); '-' reads it from stdin" };
    private static readonly Option<FileInfo?> EventFile = new("--event-file", "-f") { HelpName = "FILE", Description = "Read the event from this file" };

    // start
    private static readonly Option<int> Port = new("--port", "-p") { HelpName = "PORT", Description = "Local port of the HTTP trigger (0: a free one)", DefaultValueFactory = _ => 9000 };

    public static RootCommand Build()
    {
        var invoke = new Command("invoke", "Start the function, invoke it once as FC does (POST /invoke with FC's headers), print the result, its log and FC's summary, and stop it.");
        var start = new Command("start", "Serve an HTTP trigger locally: each request goes to the function with FC's headers and a fresh request id. Ctrl+C stops it gracefully (pre-stop, then SIGTERM).");
        foreach (var command in new[] { invoke, start })
        {
            foreach (var option in new Option[] { Code, Image, Handler, Memory, TimeoutOption, Concurrency, Initializer, PreStop, Env, Region, Function, Config, Resource, NoConfig, CredentialsOption, Generated })
                command.Options.Add(option);
        }
        invoke.Options.Add(Event);
        invoke.Options.Add(EventFile);
        start.Options.Add(Port);
        invoke.SetAction((result, token) => Guard(() => InvokeCommand.RunAsync(Settings(result), result.GetValue(Image), Mode(result), ReadEvent(result), token)));
        start.SetAction((result, token) => Guard(() => StartCommand.RunAsync(Settings(result), result.GetValue(Image), Mode(result), result.GetValue(Port), token)));

        var root = new RootCommand("""
            fc-local: run a Function Compute custom-runtime function locally, the way FC runs it.
            Reads ./s.yaml (handler, memory, timeout, code, initializer) when present; the function listens on 127.0.0.1.

            Examples:
              fc-local invoke -e '{"name":"Ada"}'           invoke the code package in dist/code once
              fc-local invoke --handler echo -f event.json  another handler, the event from a file
              fc-local start --port 9000                    serve an HTTP trigger on 127.0.0.1:9000
            """);
        root.Subcommands.Add(invoke);
        root.Subcommands.Add(start);
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Build();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Terminal.Error(error.Message);
            Console.Error.WriteLine("Run 'fc-local --help' (or 'fc-local <command> --help') for usage.");
            return UsageError;
        }
        if (parsed.CommandResult.Command == root && !args.Any(a => a is "--help" or "-h" or "-?" or "--version"))
        {
            Terminal.Error("name a command: invoke or start");
            Console.Error.WriteLine("Run 'fc-local --help' for usage.");
            return UsageError;
        }
        // fc-local handles Ctrl+C / SIGTERM itself (graceful stop), so System.CommandLine must not end the process first.
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static async Task<int> Guard(Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (UsageException exception)
        {
            Terminal.Error(exception.Message);
            return UsageError;
        }
        catch (StartException exception)
        {
            Terminal.Error($"the function did not start: {exception.Message}");
            return FunctionError;
        }
        catch (OperationCanceledException)
        {
            Terminal.Error("interrupted; the function was stopped");
            return Interrupted;
        }
    }

    private static CredentialsMode Mode(ParseResult result) => result.GetValue(Generated) ? CredentialsMode.Generated : result.GetValue(CredentialsOption);

    /// <summary>
    /// The event, refused like FC refuses a synchronous event over 32 MB: before any instance sees it, and without reading
    /// more of a file or stdin than that (the runtime would close the connection on a larger one instead of answering).
    /// </summary>
    private static byte[] ReadEvent(ParseResult result)
    {
        var text = result.GetValue(Event);
        var file = result.GetValue(EventFile);
        if (text is not null && file is not null) throw new UsageException("give the event with either --event or --event-file, not both");
        if (file is not null)
        {
            if (!file.Exists) throw new UsageException($"event file {file.FullName} does not exist");
            using var stream = file.OpenRead();
            return ReadBounded(stream);
        }
        if (text == "-")
        {
            using var stdin = Console.OpenStandardInput();
            return ReadBounded(stdin);
        }
        var bytes = text is null ? [] : System.Text.Encoding.UTF8.GetBytes(text);
        return bytes.LongLength > MaxEventBytes ? throw EventTooLarge() : bytes;
    }

    private const long MaxEventBytes = FunctionCompute.Runtime.FunctionAppOptions.DefaultMaxEventBytes;

    private static byte[] ReadBounded(Stream source)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = source.Read(chunk)) > 0)
        {
            if (buffer.Length + read > MaxEventBytes) throw EventTooLarge();
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static UsageException EventTooLarge() =>
        new($"the event is larger than {MaxEventBytes} bytes (32 MB), the most FC accepts for a synchronous invocation");

    /// <summary>Options over s.yaml over defaults.</summary>
    private static FunctionSettings Settings(ParseResult result)
    {
        var settings = new FunctionSettings();
        var config = result.GetValue(Config);
        if (config is not null && !File.Exists(config)) throw new UsageException($"config file {config} does not exist");
        if (config is null && !result.GetValue(NoConfig) && File.Exists("s.yaml")) config = "s.yaml";
        if (config is not null) settings = SYaml.Apply(settings, config, result.GetValue(Resource), note => Terminal.Status(note, "33"));
        else if (result.GetValue(Resource) is not null) throw new UsageException("--resource needs an s.yaml (--config)");

        var environment = new Dictionary<string, string>(settings.Environment);
        foreach (var pair in result.GetValue(Env) ?? [])
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0) throw new UsageException($"--env takes K=V, got '{pair}'");
            environment[pair[..equals]] = pair[(equals + 1)..];
        }
        int Positive(Option<int?> option, int fallback) => result.GetValue(option) is { } value
            ? value > 0 ? value : throw new UsageException($"{option.Name} must be a positive number, got {value.ToString(CultureInfo.InvariantCulture)}")
            : fallback;

        settings = settings with
        {
            Handler = result.GetValue(Handler) ?? settings.Handler,
            MemoryMB = Positive(Memory, settings.MemoryMB),
            TimeoutSeconds = Positive(TimeoutOption, settings.TimeoutSeconds),
            Concurrency = Positive(Concurrency, settings.Concurrency),
            Initializer = result.GetValue(Initializer) ?? settings.Initializer,
            PreStop = result.GetValue(PreStop) ?? settings.PreStop,
            Region = result.GetValue(Region) ?? settings.Region,
            FunctionName = result.GetValue(Function) ?? settings.FunctionName,
            Environment = environment,
        };
        if (result.GetValue(Image) is null)
        {
            var code = Path.GetFullPath(result.GetValue(Code) ?? settings.CodeDirectory ?? Path.Combine("dist", "code"));
            if (!File.Exists(Path.Combine(code, "bootstrap")))
                throw new UsageException($"{Path.Combine(code, "bootstrap")} does not exist: build the code package first (scripts/package.sh writes dist/code), or point --code at it.");
            settings = settings with { CodeDirectory = code };
        }
        else if (result.GetValue(Code) is not null)
        {
            throw new UsageException("give either --code or --image, not both");
        }
        return settings;
    }
}
