using FunctionCompute.Credentials;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace FunctionCompute.Runtime.Tests.Context;

public class FcContextParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    internal static ParsedContext Parse(Dictionary<string, string> headers, FcEnvironment? environment = null)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers) dictionary[name] = value;
        return FcContextParser.Parse(dictionary, environment ?? FcEnvironment.Empty, Now, CancellationToken.None, NullLogger.Instance);
    }

    /// <summary>Every header the parser reads, with a distinct value each (lowercase names, as FC sends them).</summary>
    private static Dictionary<string, string> EveryHeader() => new()
    {
        [FcHeaders.RequestId] = "req-1",
        [FcHeaders.AccessKeyId] = "STS.id",
        [FcHeaders.AccessKeySecret] = "the-secret",
        [FcHeaders.SecurityToken] = "the-token",
        [FcHeaders.FunctionName] = "fn",
        [FcHeaders.FunctionHandler] = "echo",
        [FcHeaders.FunctionMemory] = "512",
        [FcHeaders.FunctionTimeout] = "30",
        [FcHeaders.FunctionInitializer] = "init",
        [FcHeaders.InitializationTimeout] = "10",
        [FcHeaders.PreStopHandler] = "stop",
        [FcHeaders.PreFreezeHandler] = "freeze",
        [FcHeaders.Region] = "cn-hangzhou",
        [FcHeaders.AccountId] = "1234",
        [FcHeaders.Qualifier] = "prod",
        [FcHeaders.VersionId] = "3",
        [FcHeaders.ServiceName] = "svc",
        [FcHeaders.LogProject] = "proj",
        [FcHeaders.LogStore] = "store",
        [FcHeaders.InstanceId] = "inst-1",
        [FcHeaders.TraceParent] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        [FcHeaders.TraceState] = "fc=1",
    };

    [Fact]
    public void Every_header_lands_in_its_property()
    {
        var parsed = Parse(EveryHeader());

        Assert.Empty(parsed.Problems);
        var c = parsed.Context;
        Assert.Equal("req-1", c.RequestId);
        Assert.Equal(new CloudCredentials("STS.id", "the-secret", "the-token"), c.Credentials);
        Assert.Equal(new FunctionParam
        {
            FunctionName = "fn",
            FunctionHandler = "echo",
            MemoryLimitInMB = 512,
            FunctionTimeout = 30,
            FunctionInitializer = "init",
            InitializationTimeout = 10,
            PreStopHandler = "stop",
            PreFreezeHandler = "freeze",
        }, c.FunctionParam);
        Assert.Equal(new ServiceMeta { Name = "svc", LogProject = "proj", LogStore = "store", Qualifier = "prod", VersionId = "3" }, c.ServiceMeta);
        Assert.Equal("cn-hangzhou", c.Region);
        Assert.Equal("1234", c.AccountId);
        Assert.Equal("inst-1", c.InstanceId);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", c.TraceParent);
        Assert.Equal("fc=1", c.TraceState);
        Assert.Equal(Now.AddSeconds(30), c.Deadline);
    }

    [Theory]
    [InlineData("upper")]
    [InlineData("title")]
    public void Header_names_are_matched_whatever_their_case(string casing)
    {
        // FC sends lowercase names, but a local curl or a proxy may not: HTTP header names are case-insensitive.
        var lower = EveryHeader();
        static string Recase(string name, string casing) => casing == "upper"
            ? name.ToUpperInvariant()
            : string.Join('-', name.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
        var recased = lower.ToDictionary(pair => Recase(pair.Key, casing), pair => pair.Value);
        Assert.DoesNotContain(recased.Keys, lower.ContainsKey);

        var expected = Parse(lower).Context;
        var parsed = Parse(recased);

        Assert.Empty(parsed.Problems);
        var c = parsed.Context;
        Assert.Equal(expected.ToString(), c.ToString());
        Assert.Equal(expected.Credentials, c.Credentials);
        Assert.Equal(expected.FunctionParam, c.FunctionParam);
        Assert.Equal(expected.ServiceMeta, c.ServiceMeta);
        Assert.Equal((expected.AccountId, expected.InstanceId, expected.TraceParent, expected.TraceState, expected.Deadline),
            (c.AccountId, c.InstanceId, c.TraceParent, c.TraceState, c.Deadline));
        Assert.Equal("req-1", c.RequestId);
    }

    [Fact]
    public void Other_headers_are_ignored_and_an_empty_value_counts_as_absent()
    {
        var parsed = Parse(new()
        {
            ["Content-Type"] = "application/json",
            ["Host"] = "127.0.0.1",
            ["x-fc-something-new"] = "v",
            ["trace"] = "t",
            [FcHeaders.FunctionHandler] = "",
            ["x-other-header-name"] = "x",
        }, new FcEnvironment { FunctionHandler = "from-env" });

        Assert.Empty(parsed.Problems);
        Assert.Equal("from-env", parsed.Context.FunctionParam.FunctionHandler);
        Assert.Null(parsed.Context.TraceParent);
    }

    [Theory]
    [InlineData(FcHeaders.FunctionMemory, "abc")]
    [InlineData(FcHeaders.FunctionMemory, "-1")]
    [InlineData(FcHeaders.FunctionTimeout, "1.5")]
    [InlineData(FcHeaders.FunctionTimeout, "99999999999999999999")]
    [InlineData(FcHeaders.InitializationTimeout, " 10x")]
    public void A_malformed_number_is_left_empty_and_reported(string header, string value)
    {
        var parsed = Parse(new() { [FcHeaders.RequestId] = "r", [header] = value, [FcHeaders.Region] = "cn-beijing" });

        var problem = Assert.Single(parsed.Problems);
        Assert.Contains(header, problem);
        Assert.Contains(value.Trim(), problem);
        Assert.Equal("cn-beijing", parsed.Context.Region);
        if (header == FcHeaders.FunctionMemory) Assert.Null(parsed.Context.FunctionParam.MemoryLimitInMB);
        if (header == FcHeaders.FunctionTimeout) Assert.Null(parsed.Context.Deadline);
    }

    [Fact]
    public void A_reported_value_is_shortened_and_made_printable()
    {
        var parsed = Parse(new() { [FcHeaders.FunctionMemory] = new string('9', 30) + "x\u0001" + new string('y', 100) });

        var problem = Assert.Single(parsed.Problems);
        Assert.DoesNotContain("\u0001", problem);
        Assert.DoesNotContain(new string('y', 100), problem);
        Assert.Contains("…", problem);
    }

    [Fact]
    public void No_credential_headers_means_the_explicit_none()
    {
        var context = Parse(new() { [FcHeaders.RequestId] = "r" }).Context;
        Assert.Same(CloudCredentials.None, context.Credentials);
        Assert.True(context.Credentials.IsEmpty);
    }

    [Fact]
    public void Empty_credential_headers_mean_none_without_a_problem()
    {
        var parsed = Parse(new() { [FcHeaders.AccessKeyId] = "", [FcHeaders.AccessKeySecret] = "", [FcHeaders.SecurityToken] = "" });
        Assert.Empty(parsed.Problems);
        Assert.True(parsed.Context.Credentials.IsEmpty);
    }

    [Fact]
    public void Long_term_keys_without_a_token_are_not_temporary()
    {
        var credentials = Parse(new() { [FcHeaders.AccessKeyId] = "LTAIabc", [FcHeaders.AccessKeySecret] = "s3cr3t-value" }).Context.Credentials;
        Assert.False(credentials.IsEmpty);
        Assert.False(credentials.IsTemporary);
        Assert.Null(credentials.SecurityToken);
    }

    [Theory]
    [InlineData("only-the-id", null)]
    [InlineData(null, "only-the-secret-value")]
    public void Half_a_key_pair_is_none_and_the_problem_never_shows_the_value(string? id, string? secret)
    {
        var headers = new Dictionary<string, string> { [FcHeaders.SecurityToken] = "token-value-xyz" };
        if (id is not null) headers[FcHeaders.AccessKeyId] = id;
        if (secret is not null) headers[FcHeaders.AccessKeySecret] = secret;

        var parsed = Parse(headers);

        Assert.True(parsed.Context.Credentials.IsEmpty);
        var problem = Assert.Single(parsed.Problems);
        Assert.DoesNotContain("only-the", problem);
        Assert.DoesNotContain("token-value-xyz", problem);
    }

    [Fact]
    public void A_missing_request_id_gets_a_fresh_one()
    {
        var first = Parse([]).Context.RequestId;
        var second = Parse([]).Context.RequestId;
        Assert.True(Guid.TryParse(first, out _));
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void The_environment_fills_what_headers_leave_out_and_headers_win()
    {
        var environment = FcEnvironment.Read(name => name switch
        {
            "FC_FUNCTION_NAME" => "env-fn",
            "FC_REGION" => "cn-shanghai",
            "FC_ACCOUNT_ID" => "999",
            "FC_INSTANCE_ID" => "env-inst",
            "FC_FUNCTION_MEMORY_SIZE" => "1024",
            _ => null,
        });

        var fromEnvironment = Parse([], environment).Context;
        Assert.Equal("env-fn", fromEnvironment.FunctionParam.FunctionName);
        Assert.Equal("cn-shanghai", fromEnvironment.Region);
        Assert.Equal("999", fromEnvironment.AccountId);
        Assert.Equal("env-inst", fromEnvironment.InstanceId);
        Assert.Equal(1024, fromEnvironment.FunctionParam.MemoryLimitInMB);

        var fromHeaders = Parse(new() { [FcHeaders.Region] = "cn-hangzhou", [FcHeaders.FunctionMemory] = "128" }, environment).Context;
        Assert.Equal("cn-hangzhou", fromHeaders.Region);
        Assert.Equal(128, fromHeaders.FunctionParam.MemoryLimitInMB);
    }

    [Fact]
    public void Remaining_time_counts_down_to_the_deadline_and_stops_at_zero()
    {
        var clock = new ManualClock(Now);
        var context = new FcContext { RequestId = "r", Deadline = Now.AddSeconds(10), Clock = clock };
        Assert.Equal(TimeSpan.FromSeconds(10), context.RemainingTime);
        clock.Now = Now.AddSeconds(4);
        Assert.Equal(TimeSpan.FromSeconds(6), context.RemainingTime);
        clock.Now = Now.AddSeconds(40);
        Assert.Equal(TimeSpan.Zero, context.RemainingTime);
        Assert.Equal(Timeout.InfiniteTimeSpan, new FcContext { RequestId = "r" }.RemainingTime);
    }

    // Regression (found by FcContextParserProperties): a whitespace-only key id reached CloudCredentials,
    // whose constructor throws, so the parser that must never throw failed the whole invocation.
    [Theory]
    [InlineData("\n", "-12")]
    [InlineData(" ", "5017953987502")]
    [InlineData("\u00A0", "wJalrXUtnFEMI")]
    public void Blank_access_key_id_with_a_secret_is_reported_not_thrown(string id, string secret)
    {
        var parsed = Parse(new() { [FcHeaders.AccessKeyId] = id, [FcHeaders.AccessKeySecret] = secret });
        Assert.Same(CloudCredentials.None, parsed.Context.Credentials);
        Assert.Contains(parsed.Problems, p => p.Contains($"{FcHeaders.AccessKeySecret} came without {FcHeaders.AccessKeyId}", StringComparison.Ordinal));
        Assert.All(parsed.Problems, p => Assert.DoesNotContain(secret, p, StringComparison.Ordinal));
    }

    [Fact]
    public void Blank_secret_and_token_count_as_absent()
    {
        var parsed = Parse(new() { [FcHeaders.AccessKeyId] = "STS.id", [FcHeaders.AccessKeySecret] = "\t ", [FcHeaders.SecurityToken] = " " });
        Assert.Same(CloudCredentials.None, parsed.Context.Credentials);
        Assert.Contains(parsed.Problems, p => p.Contains($"{FcHeaders.AccessKeyId} came without {FcHeaders.AccessKeySecret}", StringComparison.Ordinal));

        var withBlankToken = Parse(new() { [FcHeaders.AccessKeyId] = "STS.id", [FcHeaders.AccessKeySecret] = "s", [FcHeaders.SecurityToken] = "\u3000" });
        Assert.False(withBlankToken.Context.Credentials.IsTemporary);
    }

    // Regression (found by FcContextParserProperties): the echo of a long malformed value was cut at 64 UTF-16 units,
    // which could leave half of a surrogate pair (an emoji, say) in the problem text that goes to the log.
    [Fact]
    public void Echo_of_a_long_malformed_value_never_splits_a_surrogate_pair()
    {
        var value = new string('9', 63) + "\U0001F600" + "tail";
        var problem = Assert.Single(Parse(new() { [FcHeaders.FunctionMemory] = value }).Problems);
        Assert.Contains("'" + new string('9', 63) + "…'", problem);
        Assert.DoesNotContain(problem, char.IsSurrogate);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
