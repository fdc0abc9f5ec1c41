using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;

namespace FunctionCompute.Testing;

/// <summary>
/// Invokes an app's event handlers by name and its lifecycle hooks, in process, without HTTP: each call goes through the
/// runtime's own pipeline (the one the package runs behind Kestrel) with a test context, so its answer (status, error JSON,
/// masked secrets, stack frames, timeouts) is the package's, and its log lines are captured per request id.
/// Point it at the app's entry point:
/// <code>
/// await using var fc = FcTestApp.For&lt;Program&gt;();
/// var result = await fc.InvokeAsync("echo", "hello");            // result.Text == "hello"
/// </code>
/// or at a factory that passes the kit's options hook on: <c>FcTestApp.Create(configure => SampleApp.Create([], configure))</c>.
/// </summary>
public sealed class FcTestApp : IAsyncDisposable
{
    private readonly FcAppHost _host;
    private FcActivityCapture? _activities;

    private FcTestApp(FcAppHost host) => _host = host;

    /// <summary>The runtime's ActivitySources, which <see cref="CaptureActivities"/> records by default.</summary>
    public static IReadOnlyList<string> RuntimeSources { get; } = ["FunctionCompute.Runtime", "FunctionCompute.Oss", "FunctionCompute.Credentials"];

    /// <summary>
    /// From now on each result's <see cref="FcInvocationResult.Activities"/> holds the spans of its invocation's trace:
    /// the runtime's invocation span and, under it, the OSS and credentials clients' (and those of
    /// <paramref name="sources"/>: <c>System.Net.Http</c> for HttpClient's), stopped, every tag recorded. It listens as an
    /// OpenTelemetry exporter would, process-wide, until the app is disposed.
    /// </summary>
    /// <param name="sources">More ActivitySource names to record besides <see cref="RuntimeSources"/>.</param>
    public FcTestApp CaptureActivities(params string[] sources)
    {
        _activities ??= new FcActivityCapture([.. RuntimeSources, .. sources]);
        return this;
    }

    /// <summary>
    /// Builds the app with <paramref name="createApp"/> (your app's factory, given the options hook it passes to
    /// <c>FunctionApp.CreateBuilder</c>), its log going to <see cref="Log"/>. The app is not started.
    /// </summary>
    public static FcTestApp Create(Func<Action<FunctionAppOptions>, WebApplication> createApp, Action<FunctionAppOptions>? configure = null) =>
        new(FcAppHost.FromFactoryAsync(createApp, configure, serve: false).GetAwaiter().GetResult());

    /// <summary>
    /// Runs the app's own entry point (<typeparamref name="TEntryPoint"/>: its <c>Program</c>, or any type of its assembly) up
    /// to the point where it builds its app, as ASP.NET Core's <c>WebApplicationFactory</c> does, and invokes that app.
    /// The app needs no test hook: the kit sets the options <c>FunctionApp.CreateBuilder</c> registered (<paramref name="configure"/>
    /// may change more of them) and sends the log to <see cref="Log"/>.
    /// </summary>
    public static FcTestApp For<TEntryPoint>(Action<FunctionAppOptions>? configure = null) where TEntryPoint : class =>
        new(FcAppHost.FromEntryPoint<TEntryPoint>(configure));

    /// <summary>The app under test, when it was built with <see cref="Create"/>.</summary>
    public WebApplication App => _host.Host as WebApplication
        ?? throw new InvalidOperationException("The app was started from its entry point: use Services.");

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _host.Host.Services;

    /// <summary>Every log line the app wrote.</summary>
    public FcLogCapture Log => _host.Log;

    /// <summary>The registered event handler names.</summary>
    public IReadOnlyCollection<string> HandlerNames => _host.Pipeline.Registry.Names;

    /// <summary>Invokes <paramref name="handler"/> with the event bytes.</summary>
    /// <param name="handler">The function's <c>handler</c> setting (routes to the event handler of that name).</param>
    /// <param name="input">The event bytes.</param>
    /// <param name="context">The invocation's context (defaults of <see cref="FcContextBuilder"/> when null).</param>
    public Task<FcInvocationResult> InvokeAsync(string handler, ReadOnlyMemory<byte> input, FcContextBuilder? context = null)
    {
        context ??= new FcContextBuilder();
        if (string.IsNullOrEmpty(context.FunctionParam.FunctionHandler)) context = context.WithHandler(handler);
        return RunAsync(handler, CallKind.Invoke, input, context);
    }

    /// <summary>Makes FC's initializer call (<c>/initialize</c>): runs the app's initializer unless it has already succeeded.</summary>
    public Task<FcInvocationResult> InitializeAsync(FcContextBuilder? context = null) =>
        RunAsync(ControlPaths.Initialize, CallKind.Initialize, ReadOnlyMemory<byte>.Empty, context ?? new FcContextBuilder());

    /// <summary>Makes FC's pre-stop call (<c>/pre-stop</c>).</summary>
    public Task<FcInvocationResult> PreStopAsync(FcContextBuilder? context = null) =>
        RunAsync(ControlPaths.PreStop, CallKind.PreStop, ReadOnlyMemory<byte>.Empty, context ?? new FcContextBuilder());

    /// <summary>Makes FC 2.0's pre-freeze call (<c>/pre-freeze</c>).</summary>
    public Task<FcInvocationResult> PreFreezeAsync(FcContextBuilder? context = null) =>
        RunAsync(ControlPaths.PreFreeze, CallKind.PreFreeze, ReadOnlyMemory<byte>.Empty, context ?? new FcContextBuilder());

    private async Task<FcInvocationResult> RunAsync(string what, CallKind kind, ReadOnlyMemory<byte> input, FcContextBuilder context)
    {
        var call = new FcMemoryCall(kind, input, context, _host.Calls);
        await _host.Pipeline.RunAsync(call);
        var requestId = call.Context.RequestId;
        // The runtime's writer batches lines in the background: the result carries them all.
        _host.Calls.Log.Flush();
        var activities = _activities is not null && call.Activity is { } activity ? _activities.Of(activity.TraceId) : [];
        return new FcInvocationResult(what, requestId, call.Status, call.Body, call.ContentType, Log.For(requestId)) { Activities = activities };
    }

    /// <summary>Invokes <paramref name="handler"/> with a UTF-8 text event.</summary>
    public Task<FcInvocationResult> InvokeAsync(string handler, string input, FcContextBuilder? context = null) =>
        InvokeAsync(handler, Encoding.UTF8.GetBytes(input), context);

    /// <summary>Invokes <paramref name="handler"/> with <paramref name="input"/> written as JSON.</summary>
    public Task<FcInvocationResult> InvokeJsonAsync<TEvent>(string handler, TEvent input, JsonTypeInfo<TEvent> eventType, FcContextBuilder? context = null) =>
        InvokeAsync(handler, JsonSerializer.SerializeToUtf8Bytes(input, eventType), context);

    /// <summary>
    /// Invokes a typed handler: the event is written as JSON, the result read as JSON. A failed invocation throws
    /// <see cref="FcAssertionException"/> with the error type and message.
    /// </summary>
    public async Task<TResult> InvokeAsync<TEvent, TResult>(string handler, TEvent input, JsonTypeInfo<TEvent> eventType, JsonTypeInfo<TResult> resultType, FcContextBuilder? context = null) =>
        (await InvokeJsonAsync(handler, input, eventType, context)).Json(resultType);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _activities?.Dispose();
        return _host.DisposeAsync();
    }
}
