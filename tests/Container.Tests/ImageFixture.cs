namespace Container.Tests;

/// <summary>
/// Builds the repository's Dockerfile once for the test run (the same command the README gives), unless
/// FC_TEST_IMAGE names an image that is already built.
/// </summary>
public sealed class ImageFixture : IAsyncLifetime
{
    public string Image { get; private set; } = "";
    public long SizeBytes { get; private set; }

    public async Task InitializeAsync()
    {
        Image = Environment.GetEnvironmentVariable("FC_TEST_IMAGE") is { Length: > 0 } given ? given : "fc-dotnet-samples:test";
        if (Environment.GetEnvironmentVariable("FC_TEST_IMAGE") is not { Length: > 0 })
            await Docker.RunAsync(TimeSpan.FromMinutes(15), "build", "--network", "host", "-t", Image, Docker.RepositoryRoot());
        SizeBytes = long.Parse(await Docker.RunAsync(TimeSpan.FromSeconds(30), "image", "inspect", "-f", "{{.Size}}", Image));
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class ImageCollection : ICollectionFixture<ImageFixture>
{
    public const string Name = "image";
}
