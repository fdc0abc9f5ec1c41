using FunctionCompute.Runtime;

namespace SampleFunctions;

/// <summary><c>echo</c>: returns the event bytes unchanged (the benchmarks' baseline handler).</summary>
public static class Echo
{
    /// <summary>The event stream is already buffered by the runtime: handing it back streams it out.</summary>
    public static Stream Handle(Stream input, IFcContext context) => input;
}
