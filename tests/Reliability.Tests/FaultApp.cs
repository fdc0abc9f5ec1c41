using FunctionCompute.StandIns;

namespace Reliability.Tests;

/// <summary>Starts tests/FaultFunctions (built next to this assembly) as its own process.</summary>
internal static class FaultApp
{
    public static Task<FunctionProcess> StartAsync(IDictionary<string, string>? environment = null) =>
        FunctionProcess.StartDotnetAppAsync(Path.Combine(AppContext.BaseDirectory, "FaultFunctions.dll"), environment);
}
