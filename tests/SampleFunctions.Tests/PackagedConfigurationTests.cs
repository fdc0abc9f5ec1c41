using FunctionCompute.StandIns;

namespace SampleFunctions.Tests;

/// <summary>
/// The code package reads configuration as an ASP.NET Core app does: <c>appsettings.json</c> and
/// <c>appsettings.{Environment}.json</c> next to the executable (bootstrap starts it there), then the environment; and
/// it watches no files (a code package does not change under a running instance).
/// </summary>
public sealed class PackagedConfigurationTests : IDisposable
{
    private readonly string _code = Directory.CreateTempSubdirectory("fc-config-").FullName;

    public PackagedConfigurationTests()
    {
        foreach (var file in Directory.GetFiles(FunctionProcess.CodeDirectory()))
        {
            // File.Copy keeps the Unix mode: bootstrap and the app stay executable.
            File.Copy(file, Path.Combine(_code, Path.GetFileName(file)));
        }
        // JSON logs and only warnings from appsettings.json; Development turns the log format back to text.
        File.WriteAllText(Path.Combine(_code, "appsettings.json"),
            """{ "FunctionCompute": { "LogFormat": "json" }, "Logging": { "LogLevel": { "FunctionCompute.Runtime": "Warning" } } }""");
        File.WriteAllText(Path.Combine(_code, "appsettings.Development.json"), """{ "FunctionCompute": { "LogFormat": "text" } }""");
    }

    public void Dispose() => Directory.Delete(_code, recursive: true);

    [Fact]
    public async Task Appsettings_next_to_the_executable_apply_and_no_file_is_watched()
    {
        // The runner's own environment name (if any) must not choose the file: Production, as on FC.
        await using var function = await FunctionProcess.StartBootstrapAsync(Path.Combine(_code, "bootstrap"),
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "", ["DOTNET_ENVIRONMENT"] = "" });
        await InvokeEchoAsync(function, "config-1");

        // The Logging section applied: the runtime's start-up line (Information) is not written.
        Assert.DoesNotContain("FC runtime listening", function.Output);
        // FunctionCompute:LogFormat applied: the handler's warning is a JSON line; the markers stay FC's.
        Assert.Contains(Lines(function), line => line.StartsWith('{') && line.Contains("was not reserved"));
        Assert.Contains("FC Invoke Start RequestId: config-1", Lines(function));
        Assert.Empty(Inotify(function.ProcessId));
    }

    [Fact]
    public async Task The_environments_file_and_then_the_environment_win_over_appsettings()
    {
        // DOTNET_ENVIRONMENT wins over ASPNETCORE_ENVIRONMENT, as with ASP.NET Core's own builders.
        await using (var development = await FunctionProcess.StartBootstrapAsync(Path.Combine(_code, "bootstrap"),
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["DOTNET_ENVIRONMENT"] = "Development" }))
        {
            await InvokeEchoAsync(development, "config-dev");
            Assert.Contains(Lines(development), line => !line.StartsWith('{') && line.Contains("was not reserved"));
        }

        await using var overridden = await FunctionProcess.StartBootstrapAsync(Path.Combine(_code, "bootstrap"),
            new Dictionary<string, string> { ["Logging__LogLevel__FunctionCompute.Runtime"] = "Information" });
        await InvokeEchoAsync(overridden, "config-env");
        Assert.Contains(Lines(overridden), line => line.StartsWith('{') && line.Contains("FC runtime listening"));
    }

    private static async Task InvokeEchoAsync(FunctionProcess function, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/invoke") { Content = new StringContent("""{"order":"A-1","items":2}""") };
        request.Headers.Add("x-fc-control-path", "/invoke");
        request.Headers.Add("x-fc-function-handler", "structured-log");
        request.Headers.Add("x-fc-request-id", id);
        using var response = await function.Client.SendAsync(request);
        await function.WaitForOutputAsync($"FC Invoke End RequestId: {id}", TimeSpan.FromSeconds(10));
    }

    private static string[] Lines(FunctionProcess function) => function.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The process's inotify descriptors: a configuration file watcher holds one.</summary>
    private static List<string> Inotify(int pid) => [.. Directory.GetFiles($"/proc/{pid}/fd").Select(Target).Where(target => target.Contains("inotify"))];

    private static string Target(string fd)
    {
        try
        {
            return new FileInfo(fd).LinkTarget ?? "";
        }
        catch (IOException)
        {
            return ""; // closed between the listing and the read
        }
    }
}
