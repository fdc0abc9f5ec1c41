using FunctionCompute.Runtime;

namespace SampleFunctions;

/// <summary><c>fail</c>: always throws, to show the error answer FC receives (404, <c>x-fc-status: 404</c>, error JSON).</summary>
public static class Fail
{
    /// <summary>Throws with the event's text as the message.</summary>
    public static Stream Handle(Stream input, IFcContext context)
    {
        using var reader = new StreamReader(input);
        throw new InvalidOperationException($"fail was asked to fail: {reader.ReadToEnd()}");
    }
}
