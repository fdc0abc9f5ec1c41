using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionCompute.Runtime.Invocation;

/// <summary>Runs FC's lifecycle calls: initialize, pre-stop, pre-freeze. A hook the app has no callback for answers 200.</summary>
internal sealed class HookInvocation(FunctionLifecycle lifecycle, InitializerGate initializer, IServiceScopeFactory scopes)
{
    /// <summary>Opens <paramref name="call"/>, runs it to its one answer and closes it.</summary>
    public async Task RunAsync(FcCall call)
    {
        using var opened = call;
        call.Open();
        var bodyLeftUnread = false;
        try
        {
            bodyLeftUnread = await call.SkipInputAsync();
            var hook = call.Kind switch
            {
                CallKind.PreStop => lifecycle.PreStop,
                CallKind.PreFreeze => lifecycle.PreFreeze,
                _ => null,
            };
            if (call.Kind == CallKind.Initialize) await initializer.RunOnceAsync(call.Context, call.Token);
            else if (hook is not null) await OffTheCallersThread(hook, call.Context, scopes).WaitAsync(call.Token);
            await call.AnswerAsync(EventResult.Empty, closeConnection: bodyLeftUnread);
        }
        catch (Exception exception)
        {
            await call.FailAsync(exception, closeConnection: bodyLeftUnread);
        }
    }

    /// <summary>
    /// Starts a lifecycle hook on a thread-pool work item instead of the request's own thread, so a hook that blocks
    /// (synchronous I/O, <c>Thread.Sleep</c>, a deadlock) before its first await cannot keep its timeout answer from
    /// being written. Hooks run once per instance, so the hop costs nothing that matters; invocations, which are
    /// hot, use <see cref="BlockedHandlerWatchdog"/> instead. The hook gets a DI scope of its own, disposed when it has
    /// finished (after its timeout answer, when it outlives its deadline).
    /// </summary>
    public static Task OffTheCallersThread(Func<IFcContext, IServiceProvider, Task> hook, IFcContext context, IServiceScopeFactory scopes) =>
        Task.Run(async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            await hook(context, scope.ServiceProvider);
        });
}
