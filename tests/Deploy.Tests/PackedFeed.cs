using System.IO.Compression;
using System.Xml.Linq;

namespace Deploy.Tests;

/// <summary>
/// scripts/pack.sh into a temporary folder feed outside the repository, once for every test of the "packages" collection
/// (packing takes about a minute). A version of its own per run, so the global NuGet cache never serves a stale package;
/// the cache entries of that version are removed afterwards.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    /// <summary>Every package pack.sh writes, and whether it is a .NET tool.</summary>
    public static readonly IReadOnlyDictionary<string, bool> Packages = new Dictionary<string, bool>
    {
        ["FunctionCompute.Runtime"] = false,
        ["FunctionCompute.Runtime.OpenTelemetry"] = false,
        ["FunctionCompute.Oss"] = false,
        ["FunctionCompute.Credentials"] = false,
        ["FunctionCompute.Events"] = false,
        ["FunctionCompute.Testing"] = false,
        ["FunctionCompute.OssEmulator"] = false,
        ["FunctionCompute.FcLocal"] = true,
        ["FunctionCompute.OssEmulator.Tool"] = true,
        ["FunctionCompute.Templates"] = false,
    };

    public string Work { get; } = Path.Combine(Path.GetTempPath(), "fc-packages-" + Guid.NewGuid().ToString("N")[..8]);
    public string Version { get; } = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";
    public string Feed => Path.Combine(Work, "feed");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Work);
        await Repository.RunAsync("bash", TimeSpan.FromMinutes(10),
            new Dictionary<string, string> { ["PACKAGES_DIR"] = Feed, ["PACKAGE_VERSION"] = Version },
            Path.Combine(Repository.Root, "scripts", "pack.sh"));
    }

    private readonly SemaphoreSlim _setup = new(1, 1);
    private Dictionary<string, string>? _userEnvironment;

    /// <summary>
    /// The environment of a user who installed the templates and the tools from this feed: a temporary DOTNET_CLI_HOME
    /// holding the installed templates, <c>fc-local</c> and <c>oss-emulator</c> on PATH (installed with
    /// <c>dotnet tool install --tool-path</c>), and the machine's NuGet cache kept (NUGET_PACKAGES) so nothing is downloaded twice.
    /// </summary>
    public async Task<IDictionary<string, string>> UserEnvironmentAsync()
    {
        await _setup.WaitAsync();
        try
        {
            if (_userEnvironment is not null) return _userEnvironment;
            var tools = NewDirectory("tools");
            var environment = new Dictionary<string, string>
            {
                ["DOTNET_CLI_HOME"] = NewDirectory("dotnet-home"),
                ["NUGET_PACKAGES"] = NuGetCache,
                ["PATH"] = tools + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
                ["DOTNET_NOLOGO"] = "1",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            };
            await Repository.RunAsync("dotnet", TimeSpan.FromMinutes(2), environment, "new", "install", PackagePath("FunctionCompute.Templates"));
            foreach (var (id, isTool) in Packages)
                if (isTool) await Repository.RunAsync("dotnet", TimeSpan.FromMinutes(2), environment, "tool", "install", "--tool-path", tools, id, "--version", Version, "--add-source", Feed);
            return _userEnvironment = environment;
        }
        finally
        {
            _setup.Release();
        }
    }

    private static string NuGetCache => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
        ? configured
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The path of a package in the feed.</summary>
    public string PackagePath(string id, string extension = "nupkg") => Path.Combine(Feed, $"{id}.{Version}.{extension}");

    /// <summary>The package's nuspec and its file names.</summary>
    public (XElement Metadata, IReadOnlyList<string> Files) Read(string id)
    {
        using var zip = ZipFile.OpenRead(PackagePath(id));
        var nuspec = zip.Entries.Single(e => e.FullName == id + ".nuspec");
        using var stream = nuspec.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        return (metadata, zip.Entries.Select(e => e.FullName).ToList());
    }

    /// <summary>A temporary directory outside the repository (under this feed's work folder).</summary>
    public string NewDirectory(string name)
    {
        var dir = Path.Combine(Work, name);
        Directory.CreateDirectory(dir);
        Assert.False(Path.GetFullPath(dir).StartsWith(Repository.Root, StringComparison.Ordinal), $"{dir} is inside the repository");
        return dir;
    }

    /// <summary>A nuget.config that adds the feed to the sources the machine has (no &lt;clear/&gt;), as a user's would.</summary>
    public void WriteNuGetConfig(string dir) => File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="fc-packages" value="{Feed}" />
          </packageSources>
        </configuration>
        """);

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Work, recursive: true);
            foreach (var package in Packages.Keys)
            {
                var dir = Path.Combine(NuGetCache, package.ToLowerInvariant(), Version);
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }
}

[CollectionDefinition("packages")]
public sealed class PackagesCollection : ICollectionFixture<PackedFeed>;
