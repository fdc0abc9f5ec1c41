namespace FunctionCompute.Testing.Tests;

public sealed class FcAssertTests
{
    [Fact]
    public void AFailureMessageQuotingALongAnswerNeverEndsInHalfASurrogatePair()
    {
        // 499 chars, then an emoji at chars 499-500: a cut at 500 chars would keep only its high surrogate.
        var answer = new string('x', 499) + "😀" + new string('y', 100);
        var ex = Assert.Throws<FcAssertionException>(() => FcAssert.IsErrorJson(answer));
        var quoted = ex.Message.IndexOf(new string('x', 499), StringComparison.Ordinal);
        Assert.True(quoted >= 0, ex.Message);
        Assert.DoesNotContain(ex.Message, char.IsSurrogate);
        Assert.EndsWith(new string('x', 499) + "…", ex.Message);
    }
}
