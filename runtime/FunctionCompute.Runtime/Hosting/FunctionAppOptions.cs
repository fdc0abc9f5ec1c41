using System.Globalization;
using System.Net;
using FunctionCompute.Runtime.Context;

namespace FunctionCompute.Runtime.Hosting;

/// <summary>How the runtime serves FC. Defaults follow the contract; the environment sets the port.</summary>
public sealed class FunctionAppOptions
{
    /// <summary>The port FC uses when neither <c>FC_CUSTOM_LISTEN_PORT</c> nor <c>FC_SERVER_PORT</c> is set.</summary>
    public const int DefaultPort = 9000;

    /// <summary>32 MB: the largest synchronous event FC sends.</summary>
    public const long DefaultMaxEventBytes = 32L * 1024 * 1024;

    /// <summary>The port to listen on (0 picks a free one, for tests).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>The address to listen on: all IPv4 interfaces, as FC expects.</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Any;

    /// <summary>Largest event (and web request body) accepted; larger ones get a clear error.</summary>
    public long MaxEventBytes { get; set; } = DefaultMaxEventBytes;

    /// <summary>How long an idle kept-alive connection stays open. FC reuses connections: at least 15 minutes.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long SIGTERM waits for in-flight invocations before the process exits.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Where the function log goes; stdout (which FC collects) when null.</summary>
    public Stream? LogOutput { get; set; }

    /// <summary>The FC instance facts from the environment, used where headers leave gaps.</summary>
    public FcEnvironment Environment { get; set; } = FcEnvironment.Empty;

    /// <summary>The clock for deadlines and log timestamps.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>
    /// Runs last in <see cref="FunctionApp.CreateBuilder"/>, after the runtime has set the builder up: the place
    /// to swap the server (the test kit puts an in-memory TestServer in Kestrel's place) or add services.
    /// </summary>
    public Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? ConfigureBuilder { get; set; }

    /// <summary>
    /// Options from the environment: the port from <c>FC_CUSTOM_LISTEN_PORT</c> (FC 3.0), else
    /// <c>FC_SERVER_PORT</c>, else 9000; the instance facts from the <c>FC_*</c> variables.
    /// </summary>
    /// <exception cref="InvalidOperationException">A port variable is set but is not a port number.</exception>
    public static FunctionAppOptions FromEnvironment(Func<string, string?>? get = null)
    {
        get ??= System.Environment.GetEnvironmentVariable;
        return new FunctionAppOptions
        {
            Port = ReadPort(get, "FC_CUSTOM_LISTEN_PORT") ?? ReadPort(get, "FC_SERVER_PORT") ?? DefaultPort,
            Environment = FcEnvironment.Read(get),
        };
    }

    private static int? ReadPort(Func<string, string?> get, string name)
    {
        var text = get(name);
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535) return port;
        throw new InvalidOperationException($"Environment variable {name} must be a port number (0-65535), but is '{text}'.");
    }
}
