namespace FunctionCompute.Runtime;

/// <summary>
/// A class event handler: mapped with <c>app.MapEvent&lt;THandler&gt;("name")</c>, constructed per invocation with its
/// constructor's parameters from the invocation's DI scope (the source generator writes the construction: no reflection).
/// </summary>
/// <typeparam name="TEvent">The event, read as JSON through the app's event JSON options (or <see cref="Stream"/> for the raw bytes).</typeparam>
/// <typeparam name="TResult">The result: written as JSON, or as is for <see cref="EventResult"/>, <see cref="Stream"/>, <c>byte[]</c> and <see cref="string"/>.</typeparam>
public interface IEventHandler<in TEvent, TResult>
{
    /// <summary>Handles one invocation.</summary>
    /// <param name="input">The event.</param>
    /// <param name="context">The invocation's FC context.</param>
    /// <param name="cancellationToken">Cancelled when the invocation times out or the caller goes away.</param>
    ValueTask<TResult> HandleAsync(TEvent input, IFcContext context, CancellationToken cancellationToken);
}
