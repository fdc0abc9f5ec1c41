using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Runtime.Invocation;

/// <summary>
/// Runs an event invocation: resolves the handler, runs the initializer once, buffers the event, calls the handler
/// under the call's deadline and answers once. Nothing a handler does (throw, hang, ignore cancellation) escapes:
/// every failure becomes the contract's error answer. The invocation's DI scope (<see cref="FcInvocationContext.Services"/>,
/// created on first use) is disposed after the answer, or once the handler has finished when it outlived its deadline.
/// </summary>
internal sealed class EventInvocation(EventHandlerRegistry registry, InitializerGate initializer, EventHandlerServices app, long maxEventBytes)
{
    /// <summary>Opens <paramref name="call"/>, runs it to its one answer and closes it.</summary>
    public async Task RunAsync(FcCall call)
    {
        using var opened = call;
        call.Open();
        var context = call.Context;
        var bodyLeftUnread = false;
        PooledEventStream? input = null;
        FcInvocationContext? invocation = null;
        Task? handlerStillRunning = null;
        try
        {
            if (!registry.TryResolve(context.FunctionParam.FunctionHandler, out var handler, out var error))
            {
                bodyLeftUnread = await call.SkipInputAsync();
                throw new HandlerNotFoundException(error);
            }
            // Refused on the declared size alone, before the initializer runs and before a byte of it is read.
            if (call.DeclaredLength > maxEventBytes) throw new EventTooLargeException(maxEventBytes);
            await initializer.EnsureAsync(context, call.Token);

            input = await call.ReadEventAsync(maxEventBytes, call.Token);
            call.EventBytes = input.Length;
            call.Token.ThrowIfCancellationRequested();

            ValueTask<EventResult> pending = default;
            ExceptionDispatchInfo? thrown = null;
            var watchdog = new BlockedHandlerWatchdog(call);
            invocation = new FcInvocationContext(context, handler.Name, input, app);
            try { pending = handler.InvokeAsync(invocation, app.Filters); }
            catch (Exception exception) { thrown = ExceptionDispatchInfo.Capture(exception); }
            // Taken once (a ValueTask may be awaited only once): the answer awaits it, and the event's release may too.
            var running = pending.IsCompletedSuccessfully ? null : pending.AsTask();
            handlerStillRunning = running;
            if (!watchdog.TryClaimAnswer())
            {
                // The handler held this thread past the deadline and the watchdog has answered: whatever it returns now is late.
                await watchdog.Answered;
                return;
            }
            thrown?.Throw();
            var result = running is null ? pending.Result : await running.WaitAsync(call.Token);
            await call.AnswerAsync(result);
        }
        catch (Exception exception)
        {
            // An event over the limit is never read to its end: the connection cannot carry another call after it.
            await call.FailAsync(exception, closeConnection: bodyLeftUnread || exception is EventTooLargeException);
        }
        finally
        {
            if (input is not null) await ReleaseAsync(input, invocation, handlerStillRunning, call);
        }
    }

    /// <summary>
    /// Returns the event's pooled segments and disposes the invocation's scope once nothing can use them any more: the
    /// answer is written, and the handler has finished, which after a timeout may be later (its task still runs, and may
    /// still read its input and use its services).
    /// </summary>
    private static async ValueTask ReleaseAsync(PooledEventStream input, FcInvocationContext? invocation, Task? handler, FcCall call)
    {
        if (handler is not null && !handler.IsCompleted)
        {
            _ = handler.ContinueWith(static async (_, state) =>
            {
                var (input, invocation, call) = ((PooledEventStream, FcInvocationContext?, FcCall))state!;
                input.Dispose();
                await DisposeScopeAsync(invocation, call);
            }, (input, invocation, call), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return;
        }
        input.Dispose();
        await DisposeScopeAsync(invocation, call);
    }

    private static async ValueTask DisposeScopeAsync(FcInvocationContext? invocation, FcCall call)
    {
        if (invocation is null) return;
        try
        {
            await invocation.DisposeScopeAsync();
        }
        catch (Exception exception)
        {
            // The answer is out: a service that fails to dispose can only be logged.
            call.Services.RuntimeLogger.LogError(exception, "Disposing the invocation's services failed: {Type}: {Message}", exception.GetType().Name, exception.Message);
        }
    }
}
