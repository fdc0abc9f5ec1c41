using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace FunctionCompute.Testing;

/// <summary>
/// The whole app on an in-memory server (ASP.NET Core's TestServer): requests go through the real pipeline (the contract
/// routing, the invoker, the app's endpoints) and are sent exactly as FC sends them (<c>x-fc-control-path</c>, request id,
/// credentials, function settings). No port, no process.
/// <code>
/// await using var server = await FcTestServer.StartAsync&lt;Program&gt;();   // the app's own entry point, no test hook
/// var greeting = await server.InvokeAsync("greet", new GreetEvent("Ada"), SampleJson.Default.GreetEvent, SampleJson.Default.GreetResult);
/// using var response = await server.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/whoami"));
/// </code>
/// </summary>
public sealed class FcTestServer : IAsyncDisposable
{
    private readonly FcAppHost _host;
    private readonly TestServer _server;
    private readonly HttpClient _client;

    private FcTestServer(FcAppHost host)
    {
        _host = host;
        _server = host.Server!;
        _client = _server.CreateClient();
    }

    /// <summary>Builds the app with <paramref name="createApp"/> on a TestServer instead of Kestrel, and starts it.</summary>
    public static async Task<FcTestServer> StartAsync(Func<Action<FunctionAppOptions>, WebApplication> createApp, Action<FunctionAppOptions>? configure = null) =>
        new(await FcAppHost.FromFactoryAsync(createApp, configure, serve: true));

    /// <summary>
    /// Runs the app's own entry point (<typeparamref name="TEntryPoint"/>: its <c>Program</c>) on a TestServer instead of
    /// Kestrel, as ASP.NET Core's <c>WebApplicationFactory</c> does: no test hook needed in the app.
    /// </summary>
    public static Task<FcTestServer> StartAsync<TEntryPoint>(Action<FunctionAppOptions>? configure = null) where TEntryPoint : class =>
        Task.FromResult(new FcTestServer(FcAppHost.FromEntryPoint<TEntryPoint>(configure)));

    /// <summary>The app under test, when it was built with a factory.</summary>
    public WebApplication App => _host.Host as WebApplication
        ?? throw new InvalidOperationException("The app was started from its entry point: use Services.");

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _host.Host.Services;

    /// <summary>Every log line the app wrote.</summary>
    public FcLogCapture Log => _host.Log;

    /// <summary>A plain client of the in-memory server (no FC headers added).</summary>
    public HttpClient CreateClient() => _server.CreateClient();

    /// <summary>Sends <c>POST /invoke</c> as FC does: the event as the body, FC's headers for <paramref name="context"/> and the handler.</summary>
    /// <param name="handler">The function's <c>handler</c> setting (routes to the event handler of that name).</param>
    /// <param name="input">The event bytes.</param>
    /// <param name="context">The invocation's context (defaults of <see cref="FcContextBuilder"/> when null).</param>
    /// <param name="withControlPath">
    /// False sends no <c>x-fc-control-path</c>, as <c>s local</c>'s agent may. The runtime takes that as an event call only in
    /// an event-only app (event handlers, no web endpoints); a web app's own routes answer it (an HTTP trigger's caller could send it).
    /// </param>
    public async Task<FcInvocationResult> InvokeAsync(string handler, ReadOnlyMemory<byte> input, FcContextBuilder? context = null, bool withControlPath = true)
    {
        context ??= new FcContextBuilder();
        if (string.IsNullOrEmpty(context.FunctionParam.FunctionHandler)) context = context.WithHandler(handler);
        var fc = context.Build();
        using var request = new HttpRequestMessage(HttpMethod.Post, ControlPaths.Invoke) { Content = new ReadOnlyMemoryContent(input) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        FcRequestHeaders.Apply(request.Headers, fc, withControlPath ? ControlPaths.Invoke : null);
        return await SendContractCallAsync(handler, fc.RequestId, request, context.Cancellation);
    }

    /// <summary>Sends <c>POST /invoke</c> with a UTF-8 text event.</summary>
    public Task<FcInvocationResult> InvokeAsync(string handler, string input, FcContextBuilder? context = null, bool withControlPath = true) =>
        InvokeAsync(handler, Encoding.UTF8.GetBytes(input), context, withControlPath);

    /// <summary>Sends <c>POST /invoke</c> with <paramref name="input"/> written as JSON.</summary>
    public Task<FcInvocationResult> InvokeJsonAsync<TEvent>(string handler, TEvent input, JsonTypeInfo<TEvent> eventType, FcContextBuilder? context = null) =>
        InvokeAsync(handler, JsonSerializer.SerializeToUtf8Bytes(input, eventType), context);

    /// <summary>Invokes a typed handler over the server; a failed invocation throws <see cref="FcAssertionException"/>.</summary>
    public async Task<TResult> InvokeAsync<TEvent, TResult>(string handler, TEvent input, JsonTypeInfo<TEvent> eventType, JsonTypeInfo<TResult> resultType, FcContextBuilder? context = null) =>
        (await InvokeJsonAsync(handler, input, eventType, context)).Json(resultType);

    /// <summary>Sends FC's initializer call, <c>POST /initialize</c>.</summary>
    public Task<FcInvocationResult> InitializeAsync(FcContextBuilder? context = null) => HookAsync(HttpMethod.Post, ControlPaths.Initialize, context);

    /// <summary>Sends FC's pre-stop call, <c>GET /pre-stop</c>.</summary>
    public Task<FcInvocationResult> PreStopAsync(FcContextBuilder? context = null) => HookAsync(HttpMethod.Get, ControlPaths.PreStop, context);

    /// <summary>
    /// Sends a web request (an HTTP trigger's call) with FC's headers for <paramref name="context"/> added, as FC 3.0 forwards
    /// requests to a custom runtime (no control path).
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, FcContextBuilder? context = null, CancellationToken cancellationToken = default)
    {
        FcRequestHeaders.Apply(request.Headers, (context ?? new FcContextBuilder()).Build(), null);
        var response = await _client.SendAsync(request, cancellationToken);
        FlushLog();
        return response;
    }

    /// <summary>Writes out the log lines the runtime has buffered, so <see cref="Log"/> has them.</summary>
    public void FlushLog() => _host.Calls.Log.Flush();

    private async Task<FcInvocationResult> HookAsync(HttpMethod method, string path, FcContextBuilder? context)
    {
        var fc = (context ?? new FcContextBuilder()).Build();
        using var request = new HttpRequestMessage(method, path);
        FcRequestHeaders.Apply(request.Headers, fc, path);
        return await SendContractCallAsync(path, fc.RequestId, request, CancellationToken.None);
    }

    private async Task<FcInvocationResult> SendContractCallAsync(string what, string requestId, HttpRequestMessage request, CancellationToken token)
    {
        using var response = await _client.SendAsync(request, token);
        var body = await response.Content.ReadAsByteArrayAsync(token);
        // The runtime writes the End line before it answers, through a background flusher: flush so the result has it.
        FlushLog();
        // The status the runtime reports in x-fc-status is what FC acts on.
        var status = response.Headers.TryGetValues(FcHeaders.Status, out var values) && int.TryParse(values.FirstOrDefault(), out var fcStatus) ? fcStatus : (int)response.StatusCode;
        return new FcInvocationResult(what, requestId, status, body, response.Content.Headers.ContentType?.ToString(), Log.For(requestId));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }
}
