using System.Collections.Concurrent;

namespace FunctionCompute.Credentials.Tests;

/// <summary>A mutable fake environment with a temporary home directory.</summary>
public sealed class FakeEnvironment : IDisposable
{
    public ConcurrentDictionary<string, string> Variables { get; } = new();
    public string Home { get; } = Directory.CreateTempSubdirectory("fc-cred-home-").FullName;
    public CredentialsEnvironment Environment { get; }

    public FakeEnvironment() => Environment = new CredentialsEnvironment(name => Variables.TryGetValue(name, out var v) ? v : null, Home);

    public FakeEnvironment Set(string name, string value) { Variables[name] = value; return this; }

    public string WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Home, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Home, recursive: true); } catch (IOException) { }
    }
}

internal static class Secrets
{
    /// <summary>Asserts that none of the secrets occurs in the text.</summary>
    public static void AssertAbsent(string? text, params string?[] secrets)
    {
        Assert.NotNull(text);
        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret)) continue;
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    /// <summary>Message, ToString (with stack and inner exceptions) of an exception.</summary>
    public static string AllText(Exception exception) => exception.Message + "\n" + exception;
}
