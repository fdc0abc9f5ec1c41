using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Deploy.Tests;

/// <summary>
/// What scripts/pack.sh writes, as a user gets it: every package with complete metadata, a consumer project outside the
/// repository that restores the libraries from the folder feed next to the machine's own sources, and the tools installed
/// with <c>dotnet tool install</c>.
/// </summary>
[Collection("packages")]
[Trait("Category", "Packages")]
public sealed partial class PackagingTests(PackedFeed feed)
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    public static TheoryData<string> Ids => [.. PackedFeed.Packages.Keys];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_package_has_complete_metadata(string id)
    {
        var (metadata, files) = feed.Read(id);
        string Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value
            ?? throw new Xunit.Sdk.XunitException($"{id}: the nuspec has no <{name}>");

        Assert.Equal(id, Value("id"));
        Assert.Equal(feed.Version, Value("version"));
        Assert.Equal("fc-dotnet contributors", Value("authors"));
        Assert.True(Value("description").Length > 40, $"{id}: the description is too short to tell a user anything");
        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.Equal("README.md", Value("readme"));
        Assert.Contains("README.md", files);
        Assert.StartsWith("https://", Value("projectUrl"));

        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.StartsWith("https://", (string?)repository.Attribute("url"));
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? "");

        var types = metadata.Elements().Where(e => e.Name.LocalName == "packageTypes").Elements().Select(e => (string?)e.Attribute("name")).ToList();
        if (id == "FunctionCompute.Templates")
        {
            Assert.Equal(["Template"], types);
            return;
        }
        Assert.True(File.Exists(feed.PackagePath(id, "snupkg")), $"{id} has no symbol package");
        if (PackedFeed.Packages[id])
        {
            Assert.Equal(["DotnetTool"], types);
            Assert.Contains(files, f => f.StartsWith("tools/net10.0/any/", StringComparison.Ordinal) && f.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
            return;
        }
        var assembly = id == "FunctionCompute.OssEmulator" ? "OssEmulator" : id;
        Assert.Contains($"lib/net10.0/{assembly}.dll", files);
        if (id != "FunctionCompute.OssEmulator") Assert.Contains($"lib/net10.0/{id}.xml", files); // XML docs of the public API
    }

    [Fact]
    public void The_libraries_depend_on_each_other_at_the_same_version()
    {
        foreach (var id in new[] { "FunctionCompute.Oss", "FunctionCompute.Testing", "FunctionCompute.Runtime", "FunctionCompute.OssEmulator" })
        {
            var dependencies = feed.Read(id).Metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
                .Where(e => ((string?)e.Attribute("id"))!.StartsWith("FunctionCompute.", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(dependencies);
            foreach (var dependency in dependencies)
                Assert.Equal(feed.Version, (string?)dependency.Attribute("version"));
        }
    }

    [Fact]
    public async Task A_project_outside_the_repository_restores_and_builds_against_the_oss_client_and_the_test_kit()
    {
        var dir = feed.NewDirectory("consumer");
        feed.WriteNuGetConfig(dir);
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Exe</OutputType>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="FunctionCompute.Oss" Version="{feed.Version}" />
                <PackageReference Include="FunctionCompute.Testing" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), """
            using FunctionCompute.Oss;
            using FunctionCompute.Testing;

            var context = new FcContextBuilder().WithRegion("cn-shanghai").Build();
            var options = new OssClientOptions { Endpoint = "oss-cn-shanghai.aliyuncs.com" };
            Console.WriteLine($"{context.Region} {options.Endpoint} {FcContextBuilder.TestCredentials.AccessKeyId}");
            """);

        await Repository.RunAsync("dotnet", Long, "build", dir, "-nologo", "-v", "q");
        var output = await Repository.RunAsync("dotnet", Long, "run", "--project", dir, "--no-build");
        Assert.Equal("cn-shanghai oss-cn-shanghai.aliyuncs.com STS.TestAccessKeyId", output.Trim());

        // Restored from the folder feed: the assets file names the run's own version, read from the feed's path.
        using var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "obj", "project.assets.json")));
        var libraries = assets.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var id in new[] { "FunctionCompute.Oss", "FunctionCompute.Testing", "FunctionCompute.Runtime", "FunctionCompute.Credentials" })
            Assert.Contains($"{id}/{feed.Version}", libraries);
        Assert.Contains(assets.RootElement.GetProperty("project").GetProperty("restore").GetProperty("sources").EnumerateObject(),
            source => source.Name.TrimEnd('/') == feed.Feed);
    }

    [Theory]
    [InlineData("FunctionCompute.FcLocal", "fc-local", "invoke")]
    [InlineData("FunctionCompute.OssEmulator.Tool", "oss-emulator", "--access-key-id")]
    public async Task The_tool_installs_with_dotnet_tool_install_and_explains_itself(string id, string command, string mentions)
    {
        var tools = feed.NewDirectory("tools-" + command);
        await Repository.RunAsync("dotnet", Long, "tool", "install", "--tool-path", tools, id, "--version", feed.Version, "--add-source", feed.Feed);
        var help = await Repository.RunAsync(Path.Combine(tools, command), TimeSpan.FromMinutes(1), "--help");
        Assert.Contains(command, help);
        Assert.Contains(mentions, help);
        Assert.DoesNotMatch(UsageOfAssemblyName(), help); // the help names the command a user types
    }

    [GeneratedRegex(@"\bOssEmulator\b|fc-local\.dll")]
    private static partial Regex UsageOfAssemblyName();
}
