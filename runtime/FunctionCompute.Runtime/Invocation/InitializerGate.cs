using FunctionCompute.Runtime.Context;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionCompute.Runtime.Invocation;

/// <summary>
/// Runs the app's initializer until it succeeds once. FC calls <c>/initialize</c> before the first call when the function
/// has an initializer; when it does not (or under <c>s local</c>), the first event invocation or web request runs it.
/// </summary>
internal sealed class InitializerGate(FunctionLifecycle lifecycle, IServiceScopeFactory scopes)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Runs the initializer if the app has one and it has not succeeded yet. Costs one field read once it has run.</summary>
    public Task EnsureAsync(IFcContext context, CancellationToken token) =>
        _initialized || lifecycle.Initializer is null ? Task.CompletedTask : RunOnceAsync(context, token);

    /// <summary>Runs the initializer unless it has succeeded; concurrent first calls wait for the one run.</summary>
    public async Task RunOnceAsync(IFcContext context, CancellationToken token)
    {
        if (_initialized || lifecycle.Initializer is not { } initializer) return;
        await _gate.WaitAsync(token);
        try
        {
            if (_initialized) return;
            await HookInvocation.OffTheCallersThread(initializer, context, scopes).WaitAsync(token);
            _initialized = true;
        }
        finally
        {
            _gate.Release();
        }
    }
}
