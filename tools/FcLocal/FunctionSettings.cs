using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FunctionCompute.FcLocal;

/// <summary>The function's FC configuration as fc-local uses it: command-line options over s.yaml over FC's defaults.</summary>
internal sealed record FunctionSettings
{
    public string FunctionName { get; init; } = "fc-local-function";
    public string? Handler { get; init; }
    public int MemoryMB { get; init; } = 512;
    public int TimeoutSeconds { get; init; } = 3;            // fc3's default for custom runtimes
    public int Concurrency { get; init; } = 1;               // fc3's default instanceConcurrency
    public string? Initializer { get; init; }
    public int InitializationTimeoutSeconds { get; init; } = 3;
    public string? PreStop { get; init; }
    public int PreStopTimeoutSeconds { get; init; } = 3;
    public string Region { get; init; } = "cn-hangzhou";
    public string AccountId { get; init; } = "1234567890123456";
    public string? CodeDirectory { get; init; }
    public string Runtime { get; init; } = "custom.debian12";
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>Where the settings came from, for the start line.</summary>
    public string? Source { get; init; }
}

/// <summary>
/// Reads a function's settings from Serverless Devs' s.yaml (fc3 component): <c>resources.&lt;name&gt;.props</c> with
/// YAML anchors and merge keys (<c>&lt;&lt;: *event-function</c>) resolved and <c>${vars.X}</c> substituted. Other
/// <c>${...}</c> expressions (<c>${config('AccountID')}</c>, <c>${env('X')}</c>) are left as they are: fc-local does not evaluate them.
/// </summary>
internal static partial class SYaml
{
    public static FunctionSettings Apply(FunctionSettings settings, string path, string? resource, Action<string> note)
    {
        YamlMappingNode root;
        try
        {
            using var reader = new StreamReader(path);
            var stream = new YamlStream();
            // Merge keys (<<: *anchor) are resolved by Child below: YamlDotNet's MergingParser rejects a merged key that is
            // then overridden (functionName in the second resource), which is exactly how s.yaml uses them.
            stream.Load(reader);
            root = stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode ?? throw new UsageException($"{path} has no YAML mapping at its top.");
        }
        catch (YamlException exception)
        {
            throw new UsageException($"{path} is not valid YAML: {exception.Message}");
        }

        var vars = Child(root, "vars") as YamlMappingNode;
        if (Child(root, "resources") is not YamlMappingNode resources || resources.Children.Count == 0)
            throw new UsageException($"{path} has no resources.");
        var names = resources.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!).Where(k => k != "<<").ToList();
        string name;
        if (resource is not null)
        {
            if (!names.Contains(resource)) throw new UsageException($"{path} has no resource '{resource}'; it has: {string.Join(", ", names)}.");
            name = resource;
        }
        else
        {
            name = names[0];
            if (names.Count > 1) note($"using resource '{name}' of {path} (others: {string.Join(", ", names.Skip(1))}); pick one with --resource");
        }

        var props = Child(Child(resources, name), "props") as YamlMappingNode;
        if (props is null) return settings with { Source = $"{path}#{name}" };
        string? Text(YamlNode? node, string key) => Child(node, key) is YamlScalarNode { Value: { } v } ? Substitute(v, vars) : null;
        int? Number(YamlNode? node, string key) =>
            Text(node, key) is { } t && int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

        var lifecycle = Child(props, "instanceLifecycleConfig");
        var initializer = Child(lifecycle, "initializer");
        var preStop = Child(lifecycle, "preStop");
        var environment = new Dictionary<string, string>(settings.Environment);
        if (Child(props, "environmentVariables") is YamlMappingNode variables)
        {
            foreach (var (k, value) in Entries(variables))
                if (value is YamlScalarNode { Value: { } v }) environment.TryAdd(k, Substitute(v, vars));
        }

        var code = Text(props, "code");
        return settings with
        {
            FunctionName = Text(props, "functionName") ?? settings.FunctionName,
            Handler = Text(props, "handler") ?? settings.Handler,
            MemoryMB = Number(props, "memorySize") ?? settings.MemoryMB,
            TimeoutSeconds = Number(props, "timeout") ?? settings.TimeoutSeconds,
            Concurrency = Number(props, "instanceConcurrency") ?? settings.Concurrency,
            Region = Text(props, "region") ?? settings.Region,
            Runtime = Text(props, "runtime") ?? settings.Runtime,
            Initializer = NonEmpty(Text(initializer, "handler")) ?? settings.Initializer,
            InitializationTimeoutSeconds = Number(initializer, "timeout") ?? settings.InitializationTimeoutSeconds,
            PreStop = NonEmpty(Text(preStop, "handler")) ?? settings.PreStop,
            PreStopTimeoutSeconds = Number(preStop, "timeout") ?? settings.PreStopTimeoutSeconds,
            CodeDirectory = code is null ? settings.CodeDirectory : Path.GetFullPath(code, Path.GetDirectoryName(Path.GetFullPath(path))!),
            Environment = environment,
            Source = $"{path}#{name}",
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>A mapping's value for <paramref name="key"/>: its own, else from what it merges (<c>&lt;&lt;: *anchor</c> or a list of them).</summary>
    private static YamlNode? Child(YamlNode? node, string key, int depth = 0)
    {
        if (node is not YamlMappingNode mapping || depth > 16) return null;
        if (mapping.Children.TryGetValue(new YamlScalarNode(key), out var child)) return child;
        if (!mapping.Children.TryGetValue(new YamlScalarNode("<<"), out var merged)) return null;
        var sources = merged is YamlSequenceNode list ? list.Children : (IEnumerable<YamlNode>)[merged];
        return sources.Select(source => Child(source, key, depth + 1)).FirstOrDefault(found => found is not null);
    }

    /// <summary>A mapping's entries with merge keys applied (own keys win).</summary>
    private static Dictionary<string, YamlNode> Entries(YamlMappingNode mapping, int depth = 0)
    {
        var entries = new Dictionary<string, YamlNode>();
        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode { Value: { } name }) continue;
            if (name == "<<" && depth < 16)
            {
                foreach (var source in value is YamlSequenceNode list ? list.Children : (IEnumerable<YamlNode>)[value])
                {
                    if (source is YamlMappingNode sourceMapping)
                        foreach (var (k, v) in Entries(sourceMapping, depth + 1)) entries.TryAdd(k, v);
                }

                continue;
            }
            entries[name] = value;
        }
        return entries;
    }

    private static string Substitute(string value, YamlMappingNode? vars) => Variable().Replace(value, match =>
        Child(vars, match.Groups[1].Value) is YamlScalarNode { Value: { } v } ? v : match.Value);

    [GeneratedRegex(@"\$\{\s*vars\.([A-Za-z0-9_-]+)\s*\}")]
    private static partial Regex Variable();
}

/// <summary>A mistake in how fc-local was called or configured: exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
