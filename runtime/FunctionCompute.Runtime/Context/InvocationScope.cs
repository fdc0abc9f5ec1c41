namespace FunctionCompute.Runtime.Context;

/// <summary>
/// The invocation the current async flow belongs to. The runtime sets it around every call, so any
/// <c>ILogger</c> the handler uses, however it got it, writes that invocation's request id.
/// </summary>
internal static class InvocationScope
{
    private static readonly AsyncLocal<IFcContext?> CurrentContext = new();

    /// <summary>The context of the invocation running in this async flow, if any.</summary>
    public static IFcContext? Current => CurrentContext.Value;

    /// <summary>Makes <paramref name="context"/> current until the returned scope is disposed.</summary>
    public static Scope Enter(IFcContext context)
    {
        var previous = CurrentContext.Value;
        CurrentContext.Value = context;
        return new Scope(previous);
    }

    /// <summary>Restores the previous context when disposed.</summary>
    public readonly struct Scope(IFcContext? previous) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => CurrentContext.Value = previous;
    }
}
