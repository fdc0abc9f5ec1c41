using Microsoft.Extensions.Hosting;

namespace FunctionCompute.Runtime.Tests.Hosting;

/// <summary>
/// The builder reads host settings where ASP.NET Core's builders do: the command line (where WebApplicationFactory and
/// the test kit pass <c>--environment</c>) wins over the variables; nothing set means Production.
/// </summary>
public sealed class HostSettingsTests
{
    [Fact]
    public void The_command_line_names_the_environment_and_appsettings_of_that_environment_apply()
    {
        var root = Directory.CreateTempSubdirectory("fc-host-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "appsettings.json"), """{ "Probe": "base", "Other": "base" }""");
            File.WriteAllText(Path.Combine(root, "appsettings.Staging.json"), """{ "Probe": "staging" }""");

            var builder = FunctionApp.CreateBuilder(["--environment=Staging", $"--contentRoot={root}"]);

            Assert.Equal("Staging", builder.Environment.EnvironmentName);
            Assert.Equal(root, builder.Environment.ContentRootPath.TrimEnd('/'));
            Assert.Equal("staging", builder.Configuration["Probe"]);
            Assert.Equal("base", builder.Configuration["Other"]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void With_nothing_set_the_environment_is_production()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 } || Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 })
        {
            // The runner chose one; the command line still wins over it.
            Assert.Equal(Environments.Production, FunctionApp.CreateBuilder(["--environment=Production"]).Environment.EnvironmentName);
            return;
        }
        Assert.Equal(Environments.Production, FunctionApp.CreateBuilder([]).Environment.EnvironmentName);
    }
}
