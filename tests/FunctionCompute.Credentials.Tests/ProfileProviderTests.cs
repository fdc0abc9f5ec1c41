using FunctionCompute.Credentials.Providers;
using FunctionCompute.StandIns;

namespace FunctionCompute.Credentials.Tests;

public sealed class ProfileProviderTests : IAsyncLifetime
{
    private readonly FakeEnvironment _env = new();
    private MetadataServer _imds = null!;
    private StsServer _sts = null!;

    public async Task InitializeAsync()
    {
        _imds = await MetadataServer.StartAsync();
        _sts = await StsServer.StartAsync();
        _sts.AccessKeys["LTAIprofile"] = "profile-secret";
        _sts.Roles[_sts.RoleArn("x")] = new StsRole();
        _sts.Roles[_sts.RoleArn("y")] = new StsRole();
    }

    public async Task DisposeAsync()
    {
        await _imds.DisposeAsync();
        await _sts.DisposeAsync();
        _env.Dispose();
    }

    private CredentialsSettings Settings => new()
    {
        Environment = _env.Environment,
        MetadataBaseAddress = _imds.BaseAddress,
        MetadataTimeout = TimeSpan.FromSeconds(2),
        StsEndpoint = _sts.Endpoint,
    };

    private string CliConfig => $$"""
        {
          "current": "default",
          "profiles": [
            { "name": "default", "mode": "AK", "access_key_id": "LTAIprofile", "access_key_secret": "profile-secret", "region_id": "cn-hangzhou" },
            { "name": "sts", "mode": "StsToken", "access_key_id": "STS.cli", "access_key_secret": "cli-secret", "sts_token": "cli-token" },
            { "name": "role", "mode": "RamRoleArn", "access_key_id": "LTAIprofile", "access_key_secret": "profile-secret",
              "ram_role_arn": "{{_sts.RoleArn("x")}}", "ram_session_name": "cli-session", "expired_seconds": 0, "sts_region": "cn-hangzhou", "enable_vpc": false },
            { "name": "chain", "mode": "ChainableRamRoleArn", "source_profile": "role", "ram_role_arn": "{{_sts.RoleArn("y")}}" },
            { "name": "ecs", "mode": "EcsRamRole", "ram_role_name": "EcsRamRoleTest" },
            { "name": "loop", "mode": "ChainableRamRoleArn", "source_profile": "loop", "ram_role_arn": "r" },
            { "name": "sso", "mode": "CloudSSO" }
          ]
        }
        """;

    [Fact]
    public async Task Cli_CurrentProfile_AK()
    {
        _env.WriteFile(".aliyun/config.json", CliConfig);
        var provider = new CliProfileCredentialsProvider(settings: Settings);
        var credentials = await provider.GetCredentialsAsync();
        Assert.Equal("LTAIprofile", credentials.AccessKeyId);
        Assert.Equal("cli_profile/static_ak", provider.ProviderName);
    }

    [Fact]
    public async Task Cli_ProfileFromEnvironment_StsToken_AndConfigFileVariable()
    {
        var path = _env.WriteFile("elsewhere/cli.json", CliConfig);
        _env.Set(CredentialsEnvironmentVariables.ConfigFile, path).Set(CredentialsEnvironmentVariables.Profile, "sts");
        var credentials = await new CliProfileCredentialsProvider(settings: Settings).GetCredentialsAsync();
        Assert.Equal("cli-token", credentials.SecurityToken);
    }

    [Fact]
    public async Task Cli_RamRoleArn_AndChainableRamRoleArn_AssumeRolesAtTheStandIn()
    {
        _env.WriteFile(".aliyun/config.json", CliConfig);
        var role = await new CliProfileCredentialsProvider("role", Settings).GetCredentialsAsync();
        Assert.True(_sts.TryGetIssued(role.AccessKeyId, out _));
        var first = _sts.Requests.Last();
        Assert.Equal("cli-session", first.Parameters["RoleSessionName"]);
        Assert.Equal("3600", first.Parameters["DurationSeconds"]); // expired_seconds 0 ⇒ 3600

        var chained = await new CliProfileCredentialsProvider("chain", Settings).GetCredentialsAsync();
        Assert.True(_sts.TryGetIssued(chained.AccessKeyId, out _));
        var last = _sts.Requests.Last();
        Assert.Equal(_sts.RoleArn("y"), last.Parameters["RoleArn"]);
        Assert.True(last.Parameters.ContainsKey("SecurityToken")); // signed with the first role's STS credentials
    }

    [Fact]
    public async Task Cli_EcsRamRole_UsesTheMetadataService()
    {
        _env.WriteFile(".aliyun/config.json", CliConfig);
        var credentials = await new CliProfileCredentialsProvider("ecs", Settings).GetCredentialsAsync();
        Assert.Equal(MetadataServer.AccessKeyIdOf(1), credentials.AccessKeyId);
        Assert.Equal(0, _imds.RoleRequests);
    }

    [Theory]
    [InlineData("sso", "unsupported profile mode 'CloudSSO'")]
    [InlineData("missing", "'missing' was not found")]
    [InlineData("loop", "cycle")]
    public async Task Cli_Errors(string profile, string expected)
    {
        _env.WriteFile(".aliyun/config.json", CliConfig);
        var ex = await Assert.ThrowsAsync<CredentialsException>(() => new CliProfileCredentialsProvider(profile, Settings).GetCredentialsAsync().AsTask());
        Assert.Contains(expected, ex.Message);
        Secrets.AssertAbsent(Secrets.AllText(ex), "profile-secret", "cli-secret", "cli-token");
    }

    [Fact]
    public async Task Cli_MissingFile_AndDisabled()
    {
        var missing = await Assert.ThrowsAsync<CredentialsException>(() => new CliProfileCredentialsProvider(settings: Settings).GetCredentialsAsync().AsTask());
        Assert.Contains("does not exist", missing.Message);
        _env.WriteFile(".aliyun/config.json", CliConfig);
        _env.Set(CredentialsEnvironmentVariables.CliProfileDisabled, "True");
        var disabled = await Assert.ThrowsAsync<CredentialsException>(() => new CliProfileCredentialsProvider(settings: Settings).GetCredentialsAsync().AsTask());
        Assert.Contains("disabled", disabled.Message);
    }

    private const string Ini = """
        # shared credentials
        [default]
        enable = true
        type = access_key
        access_key_id = foo
        access_key_secret = ini-secret-do-not-leak

        [ecs]
        type = ecs_ram_role
        role_name = EcsRamRoleTest

        [off]
        enable = false
        type = access_key
        access_key_id = off
        access_key_secret = off

        [rsa]
        type = rsa_key_pair
        """;

    [Fact]
    public async Task Ini_DefaultSection_FromCredentialsIni()
    {
        _env.WriteFile(".alibabacloud/credentials.ini", Ini);
        var provider = new ProfileCredentialsProvider(settings: Settings);
        Assert.Equal("foo", (await provider.GetCredentialsAsync()).AccessKeyId);
        Assert.Equal("profile/static_ak", provider.ProviderName);
    }

    [Fact]
    public async Task Ini_FileWithoutExtension_IsFound_AndSectionComesFromTheEnvironment()
    {
        _env.WriteFile(".alibabacloud/credentials", Ini);
        _env.Set(CredentialsEnvironmentVariables.Profile, "ecs");
        var credentials = await new ProfileCredentialsProvider(settings: Settings).GetCredentialsAsync();
        Assert.Equal(MetadataServer.AccessKeyIdOf(1), credentials.AccessKeyId);
    }

    [Fact]
    public async Task Ini_RamRoleArn_AssumesTheRole()
    {
        var path = _env.WriteFile("custom/creds.ini", $"""
            [ram]
            type = ram_role_arn
            access_key_id = LTAIprofile
            access_key_secret = profile-secret
            role_arn = {_sts.RoleArn("x")}
            role_session_name = session_name
            """);
        _env.Set(CredentialsEnvironmentVariables.CredentialsFile, path);
        var credentials = await new ProfileCredentialsProvider("ram", Settings).GetCredentialsAsync();
        Assert.True(_sts.TryGetIssued(credentials.AccessKeyId, out _));
        Assert.Equal("session_name", _sts.Requests.Last().Parameters["RoleSessionName"]);
    }

    [Theory]
    [InlineData("off", "disabled")]
    [InlineData("rsa", "unsupported credential type 'rsa_key_pair'")]
    [InlineData("nope", "'nope' was not found")]
    public async Task Ini_Errors(string section, string expected)
    {
        _env.WriteFile(".alibabacloud/credentials.ini", Ini);
        var ex = await Assert.ThrowsAsync<CredentialsException>(() => new ProfileCredentialsProvider(section, Settings).GetCredentialsAsync().AsTask());
        Assert.Contains(expected, ex.Message);
        Secrets.AssertAbsent(Secrets.AllText(ex), "ini-secret-do-not-leak");
    }
}
