using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Logging;

namespace FunctionCompute.Runtime;

/// <summary>How the runtime serves FC. Defaults follow the contract; the environment sets the port.</summary>
public sealed class FunctionAppOptions
{
    /// <summary>The port FC uses when neither <c>FC_CUSTOM_LISTEN_PORT</c> nor <c>FC_SERVER_PORT</c> is set.</summary>
    public const int DefaultPort = 9000;

    /// <summary>32 MB: the largest synchronous event FC sends.</summary>
    public const long DefaultMaxEventBytes = 32L * 1024 * 1024;

    /// <summary>The port to listen on (0 picks a free one, for tests).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>
    /// The environment variable that sets <see cref="ListenAddress"/>: the .NET configuration key
    /// <c>FunctionCompute:ListenAddress</c> in its environment form. Not an <c>FC_*</c> name: FC reserves those for itself.
    /// </summary>
    public const string ListenAddressVariable = "FunctionCompute__ListenAddress";

    /// <summary>
    /// The address to listen on: all IPv4 interfaces by default, as FC expects. Local tools set
    /// <see cref="ListenAddressVariable"/> to <c>127.0.0.1</c> so that no other host can call a function that holds a developer's keys.
    /// </summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Any;

    /// <summary>Largest event (and web request body) accepted; larger ones get a clear error.</summary>
    public long MaxEventBytes { get; set; } = DefaultMaxEventBytes;

    /// <summary>How long an idle kept-alive connection stays open. FC reuses connections: at least 15 minutes.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long SIGTERM waits for in-flight invocations before the process exits.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Where the function log goes; stdout (which FC collects) when null.</summary>
    public Stream? LogOutput { get; set; }

    /// <summary>
    /// The format of user log lines: from <c>FC_LOG_FORMAT</c> (<see cref="FcLogFormats.Variable"/>), else the configuration
    /// key <c>FunctionCompute:LogFormat</c>, else <see cref="FcLogFormat.Text"/>. Set here in code, it wins over both.
    /// </summary>
    public FcLogFormat? LogFormat { get; set; }

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
    /// <c>FC_SERVER_PORT</c>, else 9000; the address from <see cref="ListenAddressVariable"/>, else <c>0.0.0.0</c>;
    /// the instance facts from the <c>FC_*</c> variables. Read once, before the app's builder exists, so the environment
    /// is the one place that decides where the runtime listens (appsettings.json does not apply).
    /// </summary>
    /// <exception cref="InvalidOperationException">A port variable is set but is not a port number, the address variable is not an IP address, or <c>FC_LOG_FORMAT</c> names no format.</exception>
    public static FunctionAppOptions FromEnvironment(Func<string, string?>? get = null)
    {
        get ??= System.Environment.GetEnvironmentVariable;
        return new FunctionAppOptions
        {
            Port = ReadPort(get, "FC_CUSTOM_LISTEN_PORT") ?? ReadPort(get, "FC_SERVER_PORT") ?? DefaultPort,
            ListenAddress = ReadAddress(get, ListenAddressVariable) ?? IPAddress.Any,
            Environment = FcEnvironment.Read(get),
            LogFormat = FcLogFormats.Parse(get(FcLogFormats.Variable), $"Environment variable {FcLogFormats.Variable}"),
        };
    }

    private static int? ReadPort(Func<string, string?> get, string name)
    {
        var text = get(name);
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535) return port;
        throw new InvalidOperationException($"Environment variable {name} must be a port number (0-65535), but is '{text}'.");
    }

    private static IPAddress? ReadAddress(Func<string, string?> get, string name)
    {
        var text = get(name);
        if (string.IsNullOrWhiteSpace(text)) return null;
        // A full IP literal only: a host name would need a lookup at start-up, and IPAddress.TryParse also takes
        // shorthand such as "1" (0.0.0.1) or "127.1", which is more likely a typo than a meant address.
        var trimmed = text.Trim();
        if (IPAddress.TryParse(trimmed, out var address)
            && (address.AddressFamily == AddressFamily.InterNetworkV6 ? trimmed.Contains(':') : trimmed.Count(c => c == '.') == 3))
        {
            return address;
        }

        throw new InvalidOperationException($"Environment variable {name} must be an IP address (0.0.0.0, 127.0.0.1, ::1, ...), but is '{text}'.");
    }
}
