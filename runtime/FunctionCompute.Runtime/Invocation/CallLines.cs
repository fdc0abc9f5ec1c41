using FunctionCompute.Runtime.Contract;

namespace FunctionCompute.Runtime.Invocation;

/// <summary>The Start/End lines of each kind of call.</summary>
internal static class CallLines
{
    public static (string Start, string End) Of(CallKind kind, string requestId) => kind switch
    {
        CallKind.Initialize => (FcLogLines.InitializeStart(requestId), FcLogLines.InitializeEnd(requestId)),
        CallKind.PreStop => (FcLogLines.PreStopStart(requestId), FcLogLines.PreStopEnd(requestId)),
        CallKind.PreFreeze => (FcLogLines.PreFreezeStart(requestId), FcLogLines.PreFreezeEnd(requestId)),
        _ => (FcLogLines.InvokeStart(requestId), FcLogLines.InvokeEnd(requestId)),
    };

    /// <summary>What a timeout message calls the code that ran out of time.</summary>
    public static string What(CallKind kind) => kind switch
    {
        CallKind.Initialize => "The initializer",
        CallKind.PreStop => "The pre-stop hook",
        CallKind.PreFreeze => "The pre-freeze hook",
        _ => "The function",
    };
}
