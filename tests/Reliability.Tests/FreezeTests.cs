using System.Net;
using FunctionCompute.StandIns;
using static Reliability.Tests.Invocation;

namespace Reliability.Tests;

/// <summary>
/// FC freezes an instance as soon as it serves no request. Whatever the runtime still held in a buffer then would
/// reach the log only at the next thaw, or never: an invocation's lines must be on stdout before its answer.
/// </summary>
[Trait("Category", "Reliability")]
public class FreezeTests
{
    [Fact]
    public async Task An_invocations_log_lines_are_out_before_its_answer_so_a_freeze_right_after_it_loses_none()
    {
        await using var function = await FunctionProcess.StartPackageAsync();
        for (var i = 0; i < 5; i++)
        {
            var id = $"freeze-{i}";
            // echo writes nothing of its own (its Start line may still wait in the buffer); greet logs a line, which the
            // batching flusher may be writing when the End line comes.
            using var response = await function.Client.SendAsync(i % 2 == 0
                ? Invoke("echo", "ice", id)
                : Invoke("greet", """{"name":"frost"}""", id));
            function.Freeze();
            try
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                // Frozen, the process writes nothing more: only what it wrote before answering can show up.
                await function.WaitForOutputAsync(output =>
                    output.Contains($"FC Invoke Start RequestId: {id}") && output.Contains($"FC Invoke End RequestId: {id}"),
                    $"the Start and End lines of {id}", TimeSpan.FromSeconds(5));
            }
            finally
            {
                function.Thaw();
            }
            await Task.Delay(50); // FC freezes a quiet instance: leave a quiet moment before the next call
        }
    }
}
