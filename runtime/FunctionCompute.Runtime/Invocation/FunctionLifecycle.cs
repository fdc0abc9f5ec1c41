using FunctionCompute.Runtime.Context;

namespace FunctionCompute.Runtime.Invocation;

/// <summary>
/// The app's lifecycle callbacks, each given the hook call's own DI scope. A hook without a callback answers 200: there is
/// nothing to do.
/// </summary>
internal sealed class FunctionLifecycle
{
    /// <summary>Runs once per instance on FC's initializer call, before the first invocation.</summary>
    public Func<IFcContext, IServiceProvider, Task>? Initializer { get; set; }

    /// <summary>Runs on FC's pre-stop call, before the instance is stopped.</summary>
    public Func<IFcContext, IServiceProvider, Task>? PreStop { get; set; }

    /// <summary>Runs on FC 2.0's pre-freeze call.</summary>
    public Func<IFcContext, IServiceProvider, Task>? PreFreeze { get; set; }
}
