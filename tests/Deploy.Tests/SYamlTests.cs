namespace Deploy.Tests;

/// <summary>
/// s.yaml (code package, custom.debian12) and s.container.yaml (custom-container) against the fc3 rules of
/// <see cref="Fc3Schema"/>; and the rules themselves, each shown to catch what it is there for.
/// </summary>
public sealed class SYamlTests
{
    private static string Read(string file) => File.ReadAllText(Path.Combine(Repository.Root, file));

    [Theory]
    [InlineData("s.yaml")]
    [InlineData("s.container.yaml")]
    public void The_file_follows_the_fc3_schema(string file) =>
        Assert.Empty(Fc3Schema.Validate(Read(file)));

    [Theory]
    [InlineData("s.yaml", "oss-put-object", "dotnet-oss-put-object", "custom.debian12")]
    [InlineData("s.yaml", "web", "dotnet-web", "custom.debian12")]
    [InlineData("s.container.yaml", "echo", "dotnet-container-echo", "custom-container")]
    public async Task The_file_renders_with_the_serverless_devs_cli(string file, string resource, string functionName, string runtime)
    {
        var props = await SPreview.RenderAsync(Repository.Root, file, resource);

        Assert.Equal(functionName, props.GetProperty("functionName").GetString());
        Assert.Equal(runtime, props.GetProperty("runtime").GetString());
        Assert.Equal("cn-hangzhou", props.GetProperty("region").GetString());
        if (resource == "oss-put-object") Assert.StartsWith($"acs:ram::{SPreview.AccountId}:role/", props.GetProperty("role").GetString());
    }

    [Fact]
    public void The_s_yaml_deploys_every_sample_function_from_the_code_package()
    {
        var yaml = Read("s.yaml");
        foreach (var handler in new[] { "echo", "greet", "oss-put-object", "web" })
            Assert.Matches($@"(?m)^      handler: {handler}(\s|$)", yaml);
        Assert.Equal(4, CountOf(yaml, "runtime: custom.debian12"));
        Assert.Equal(4, CountOf(yaml, "code: ./dist/code\n") + CountOf(yaml, "code: ./dist/code "));
        Assert.Contains("run: bash scripts/package.sh", yaml);
        Assert.True(File.Exists(Path.Combine(Repository.Root, "scripts", "package.sh")));
    }

    [Fact]
    public void The_s_container_yaml_deploys_the_dockerfile_image()
    {
        var yaml = Read("s.container.yaml");
        Assert.Contains("component: fc3 build --dockerfile ./Dockerfile --context ./", yaml);
        Assert.True(File.Exists(Path.Combine(Repository.Root, "Dockerfile")));
        Assert.Contains("ENTRYPOINT [\"/code/bootstrap\"]", Read("Dockerfile"));
        Assert.Equal(2, CountOf(yaml, "runtime: custom-container"));
    }

    private const string Valid = """
        edition: 3.0.0
        name: t
        vars:
          region: cn-hangzhou
        resources:
          f:
            component: fc3
            actions:
              pre-deploy:
                - run: bash scripts/package.sh
                  path: ./
            props:
              region: ${vars.region}
              functionName: f
              runtime: custom.debian12
              code: ./dist/code
              memorySize: 512
              timeout: 30
              instanceConcurrency: 10
              customRuntimeConfig:
                command: [/code/bootstrap]
                port: 9000
              instanceLifecycleConfig:
                initializer:
                  handler: 'true'
                  timeout: 30
        """;

    [Fact]
    public void A_minimal_file_is_valid() => Assert.Empty(Fc3Schema.Validate(Valid));

    [Theory]
    [InlineData("memorySize: 512", "memorySize: 100", "memorySize: 100 is outside 128..32768")]
    [InlineData("memorySize: 512", "memorySize: 200", "memorySize: 200 must be a multiple of 64")]
    [InlineData("memorySize: 512", "memorySize: 65536", "outside 128..32768")]
    [InlineData("timeout: 30", "timeout: 0", "timeout: 0 is outside 1..86400")]
    [InlineData("timeout: 30", "timeout: 86401", "outside 1..86400")]
    [InlineData("instanceConcurrency: 10", "instanceConcurrency: 201", "instanceConcurrency: 201 is outside 1..200")]
    [InlineData("runtime: custom.debian12", "runtime: dotnet10", "runtime: 'dotnet10' is not one of")]
    [InlineData("region: ${vars.region}", "region: cn-nowhere", "region: 'cn-nowhere' is not an FC region")]
    [InlineData("code: ./dist/code", "description: no code", "code: required for custom.debian12")]
    [InlineData("functionName: f", "description: x", "functionName: required")]
    [InlineData("functionName: f", "functionName: 9bad name", "must match")]
    [InlineData("command: [/code/bootstrap]", "args: []", "command: FC starts the instance with it")]
    [InlineData("port: 9000", "port: 99999", "port: '99999' is not a port")]
    [InlineData("edition: 3.0.0", "edition: 1.0.0", "edition: '1.0.0' must be 3.0.0")]
    [InlineData("component: fc3", "component: fc", "component: 'fc' must be fc3")]
    [InlineData("handler: 'true'", "handler: ''", "initializer: exactly one of handler (non-empty) and command")]
    [InlineData("handler: 'true'\n          timeout: 30", "handler: 'true'\n          timeout: 0", "initializer.timeout: 0 is outside")]
    [InlineData("pre-deploy:", "before-deploy:", "an action key is pre-<command> or post-<command>")]
    [InlineData("  path: ./", "  x: ./", "a run step needs path")]
    [InlineData("memorySize: 512", "memorySize: 512\n      memorysize: 512", "memorysize: not a property of the fc3 schema")]
    [InlineData("  f:\n", "  <<: {}\n  f:\n", "YAML merge key")]
    public void A_broken_rule_is_reported(string replace, string with, string expected)
    {
        var yaml = Valid.Replace("\r\n", "\n");
        Assert.Contains(replace, yaml);
        var index = yaml.IndexOf(replace, StringComparison.Ordinal);
        var errors = Fc3Schema.Validate(yaml[..index] + with + yaml[(index + replace.Length)..]);
        Assert.Contains(errors, e => e.Contains(expected));
    }

    [Fact]
    public void A_health_check_belongs_to_web_functions_only()
    {
        var withHealthCheck = Valid.Replace("        port: 9000", "        port: 9000\n        healthCheckConfig:\n          httpGetUrl: /");
        Assert.Contains(Fc3Schema.Validate(withHealthCheck), e => e.Contains("only web functions (with an http trigger)"));

        var web = withHealthCheck + "\n      triggers:\n        - triggerName: http\n          triggerType: http\n          triggerConfig:\n            authType: anonymous\n            methods: [GET]\n";
        Assert.Empty(Fc3Schema.Validate(web));
    }

    [Theory]
    [InlineData("triggerType: http\n          triggerConfig:\n            authType: anonymous\n            methods: [FETCH]", "'FETCH' is not one of")]
    [InlineData("triggerType: http\n          triggerConfig:\n            methods: [GET]", "authType: required")]
    [InlineData("triggerType: http\n          triggerConfig:\n            authType: anonymous", "methods: required")]
    [InlineData("triggerType: http\n          triggerConfig:\n            authType: jwt\n            methods: [GET]", "authConfig: required with authType jwt")]
    [InlineData("triggerType: http", "triggerConfig: required")]
    [InlineData("triggerType: kafka\n          triggerConfig: {}", "triggerType: 'kafka' is not one of")]
    [InlineData("triggerType: timer\n          triggerConfig:\n            payload: x", "cronExpression: required")]
    [InlineData("triggerType: oss\n          sourceArn: acs:oss:cn-hangzhou:1:b\n          triggerConfig:\n            events: [ObjectCreated]\n            filter: {key: {prefix: a}}", "'ObjectCreated' is not an OSS event")]
    [InlineData("triggerType: oss\n          triggerConfig:\n            events: ['oss:ObjectCreated:*']\n            filter: {key: {prefix: a}}", "sourceArn: required for oss")]
    public void A_trigger_needs_its_type_and_config(string trigger, string expected)
    {
        var yaml = Valid + "\n      triggers:\n        - triggerName: t\n          " + trigger + "\n";
        Assert.Contains(Fc3Schema.Validate(yaml), e => e.Contains(expected));
    }

    [Theory]
    [InlineData("image: registry.cn-hangzhou.aliyuncs.com/ns/repo:1", null)]
    [InlineData("image: registry.cn-shanghai.aliyuncs.com/ns/repo:1", "an ACR image of another region")]
    [InlineData("image: not an image", "is not registry/namespace/repository:tag")]
    [InlineData("entrypoint: [/code/bootstrap]", "customContainerConfig.image: required")]
    public void A_custom_container_needs_an_image_and_no_code(string config, string? expected)
    {
        var yaml = Valid.Replace("runtime: custom.debian12", "runtime: custom-container")
            .Replace("      code: ./dist/code\n", "")
            .Replace("      customRuntimeConfig:\n        command: [/code/bootstrap]\n        port: 9000", $"      customContainerConfig:\n        {config}\n        port: 9000");
        var errors = Fc3Schema.Validate(yaml);
        if (expected is null) Assert.Empty(errors);
        else Assert.Contains(errors, e => e.Contains(expected));

        Assert.Contains(Fc3Schema.Validate(Valid.Replace("runtime: custom.debian12", "runtime: custom-container")),
            e => e.Contains("customContainerConfig: required for custom-container"));
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
