using FunctionCompute.Runtime.Logging;

namespace FunctionCompute.Runtime.Contract;

/// <summary>
/// The marker lines FC's console uses to split an instance's stdout into invocations.
/// They are written exactly like this, whatever the logging configuration; a request id holding a line break or
/// another control character is escaped (<see cref="LogText.Escape"/>), so no caller can end a line early.
/// </summary>
internal static class FcLogLines
{
    /// <summary><c>FC Invoke Start RequestId: id</c></summary>
    public static string InvokeStart(string requestId) => $"FC Invoke Start RequestId: {LogText.Escape(requestId)}";
    /// <summary><c>FC Invoke End RequestId: id</c></summary>
    public static string InvokeEnd(string requestId) => $"FC Invoke End RequestId: {LogText.Escape(requestId)}";
    /// <summary><c>FC Initialize Start RequestId: id</c></summary>
    public static string InitializeStart(string requestId) => $"FC Initialize Start RequestId: {LogText.Escape(requestId)}";
    /// <summary><c>FC Initialize End RequestId: id</c></summary>
    public static string InitializeEnd(string requestId) => $"FC Initialize End RequestId: {LogText.Escape(requestId)}";
    /// <summary><c>FC PreStop Start RequestId: id</c></summary>
    public static string PreStopStart(string requestId) => $"FC PreStop Start RequestId: {LogText.Escape(requestId)}";
    /// <summary><c>FC PreStop End RequestId: id</c></summary>
    public static string PreStopEnd(string requestId) => $"FC PreStop End RequestId: {LogText.Escape(requestId)}";
    /// <summary><c>FC PreFreeze Start RequestId: id</c></summary>
    public static string PreFreezeStart(string requestId) => $"FC PreFreeze Start RequestId: {LogText.Escape(requestId)}";
    /// <summary><c>FC PreFreeze End RequestId: id</c></summary>
    public static string PreFreezeEnd(string requestId) => $"FC PreFreeze End RequestId: {LogText.Escape(requestId)}";
}
