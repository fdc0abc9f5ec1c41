using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Deploy.Tests;

/// <summary>
/// The rules a Serverless Devs (s v3) file for the fc3 component must follow, as documented in
/// shared/docs/s-yaml.md §1 and §3 (taken from devsapp/fc3 src/schema.json and the component's code). The real
/// JSON schema is not available here, so this encodes those documented rules as the tests' own schema; where it
/// is stricter than fc3 (unknown property names, YAML merge keys) it says so.
/// </summary>
public static partial class Fc3Schema
{
    public static readonly string[] Runtimes =
    [
        "custom", "custom-container", "micro-sandbox", "custom.debian10", "custom.debian11", "custom.debian12",
        "dotnetcore2.1", "dotnetcore3.1", "go1", "java8", "java11",
        "nodejs8", "nodejs10", "nodejs12", "nodejs14", "nodejs16", "nodejs18", "nodejs20",
        "php7.2", "python2.7", "python3", "python3.9", "python3.10", "python3.12",
    ];

    // FC 3.0 regions (schema IRegion; s-yaml.md lists part of it, the rest are FC's public regions). A region
    // missing here fails loudly rather than passing: add it when it is one FC serves.
    public static readonly string[] Regions =
    [
        "cn-hangzhou", "cn-shanghai", "cn-qingdao", "cn-beijing", "cn-zhangjiakou", "cn-huhehaote", "cn-wulanchabu",
        "cn-shenzhen", "cn-chengdu", "cn-hongkong", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
        "ap-southeast-5", "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "ap-south-1", "eu-central-1",
        "eu-west-1", "us-west-1", "us-east-1", "me-central-1",
    ];

    private static readonly string[] TriggerTypes = ["http", "oss", "timer", "log", "mns_topic", "cdn_events", "tablestore", "eventbridge"];
    private static readonly string[] HttpMethods = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];
    private static readonly string[] AuthTypes = ["anonymous", "function", "jwt"];

    // props of schema.json; anything else is reported (fc3 would ignore or reject it: a typo either way).
    private static readonly string[] Props =
    [
        "region", "functionName", "description", "runtime", "code", "handler", "memorySize", "cpu", "diskSize", "timeout",
        "instanceConcurrency", "internetAccess", "role", "environmentVariables", "layers", "logConfig", "customRuntimeConfig",
        "customContainerConfig", "instanceLifecycleConfig", "triggers", "vpcConfig", "nasConfig", "ossMountConfig", "gpuConfig",
        "asyncInvokeConfig", "concurrencyConfig", "provisionConfig", "scalingConfig", "sessionAffinity", "sessionAffinityConfig",
        "tags", "tracingConfig", "customDNS", "vpcBinding", "instanceIsolationMode", "enableLongLiving", "resourceGroupId",
        "annotations", "endpoint",
    ];

    /// <summary>Every rule broken by the s.yaml text, as "path: problem" lines; empty when it is valid.</summary>
    public static List<string> Validate(string yaml)
    {
        var errors = new List<string>();
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count != 1) return [$"expected one YAML document, found {stream.Documents.Count}"];
        if (stream.Documents[0].RootNode is not YamlMappingNode root) return ["the document is not a mapping"];

        FindMergeKeys(root, "", errors);
        Require(root, "edition", "", errors, v => v == "3.0.0" ? null : "must be 3.0.0 (s v3)");
        Require(root, "name", "", errors, v => v.Length > 0 ? null : "must not be empty");
        var vars = Map(root, "vars")?.Children.ToDictionary(p => Scalar(p.Key)!, p => p.Value) ?? [];
        foreach (var key in root.Children.Keys.Select(Scalar))
        {
            if (key is not ("edition" or "name" or "access" or "vars" or "template" or "actions" or "resources"))
                errors.Add($"{key}: not a top-level key of s.yaml (edition, name, access, vars, template, actions, resources)");
        }

        var resources = Map(root, "resources");
        if (resources is null || resources.Children.Count == 0) { errors.Add("resources: missing or empty"); return errors; }
        var functionNames = new HashSet<string>();
        foreach (var (keyNode, node) in resources.Children)
        {
            var path = $"resources.{Scalar(keyNode)}";
            if (node is not YamlMappingNode resource) { errors.Add($"{path}: not a mapping"); continue; }
            Require(resource, "component", path, errors, v => v == "fc3" ? null : "must be fc3");
            if (Map(resource, "actions") is { } actions) ValidateActions(actions, $"{path}.actions", errors);
            if (Map(resource, "props") is not { } props) { errors.Add($"{path}.props: missing"); continue; }
            var name = ValidateProps(props, vars, $"{path}.props", errors);
            if (name is not null && !functionNames.Add(name)) errors.Add($"{path}.props.functionName: {name} is used by another resource");
        }
        return errors;
    }

    private static void ValidateActions(YamlMappingNode actions, string path, List<string> errors)
    {
        foreach (var (keyNode, value) in actions.Children)
        {
            var key = Scalar(keyNode)!;
            if (!ActionKey().IsMatch(key)) errors.Add($"{path}.{key}: an action key is pre-<command> or post-<command>");
            if (value is not YamlSequenceNode steps || steps.Children.Count == 0) { errors.Add($"{path}.{key}: must be a non-empty list"); continue; }
            foreach (var step in steps.Children.OfType<YamlMappingNode>())
            {
                var kinds = new[] { "run", "component", "plugin" }.Where(k => step.Children.ContainsKey(k)).ToList();
                if (kinds.Count != 1) errors.Add($"{path}.{key}: each step has exactly one of run, component, plugin");
                else if (kinds[0] == "run" && !step.Children.ContainsKey("path")) errors.Add($"{path}.{key}: a run step needs path");
                else if (kinds[0] == "component" && Scalar(step.Children["component"]) is { } command && !command.StartsWith("fc3 ", StringComparison.Ordinal))
                    errors.Add($"{path}.{key}: component step '{command}' should call fc3");
            }
        }
    }

    private static string? ValidateProps(YamlMappingNode props, Dictionary<string, YamlNode> vars, string path, List<string> errors)
    {
        string? Text(string key) => props.Children.TryGetValue(key, out var n) ? Resolve(Scalar(n), vars) : null;
        foreach (var key in props.Children.Keys.Select(Scalar))
            if (!Props.Contains(key)) errors.Add($"{path}.{key}: not a property of the fc3 schema");

        foreach (var required in new[] { "region", "functionName", "runtime" })
            if (!props.Children.ContainsKey(required)) errors.Add($"{path}.{required}: required");

        var region = Text("region");
        if (region is not null && !region.Contains("${") && !Regions.Contains(region)) errors.Add($"{path}.region: '{region}' is not an FC region");
        var functionName = Text("functionName");
        if (functionName is not null && !FunctionName().IsMatch(functionName))
            errors.Add($"{path}.functionName: '{functionName}' must match {FunctionName()}");
        var runtime = Text("runtime");
        if (runtime is not null && !Runtimes.Contains(runtime)) errors.Add($"{path}.runtime: '{runtime}' is not one of {string.Join(", ", Runtimes)}");

        var container = runtime is "custom-container" or "micro-sandbox";
        var custom = runtime is not null && runtime.StartsWith("custom", StringComparison.Ordinal);
        if (container && Map(props, "customContainerConfig") is null) errors.Add($"{path}.customContainerConfig: required for {runtime}");
        if (!container && !props.Children.ContainsKey("code")) errors.Add($"{path}.code: required for {runtime}");
        if (!custom && runtime is not null && !props.Children.ContainsKey("handler")) errors.Add($"{path}.handler: required for {runtime}");
        if (container && props.Children.ContainsKey("customRuntimeConfig")) errors.Add($"{path}.customRuntimeConfig: is for custom runtimes; {runtime} takes customContainerConfig");
        if (!container && props.Children.ContainsKey("customContainerConfig")) errors.Add($"{path}.customContainerConfig: only for custom-container");
        if (!custom && props.Children.ContainsKey("customRuntimeConfig")) errors.Add($"{path}.customRuntimeConfig: only for custom runtimes");

        Integer(props, "memorySize", path, errors, vars, 128, 32768, v => v % 64 == 0 ? null : "must be a multiple of 64");
        Number(props, "cpu", path, errors, vars, 0.05, 16);
        Integer(props, "diskSize", path, errors, vars, 512, 10240, v => v is 512 or 10240 ? null : "must be 512 or 10240");
        Integer(props, "timeout", path, errors, vars, 1, 86400);
        Integer(props, "instanceConcurrency", path, errors, vars, 1, 200);
        if (props.Children.ContainsKey("instanceConcurrency") && !custom) errors.Add($"{path}.instanceConcurrency: only custom runtimes and custom-container take it");
        if (Text("internetAccess") is { } internet && internet is not ("true" or "false")) errors.Add($"{path}.internetAccess: must be a boolean");
        if (props.Children.TryGetValue("environmentVariables", out var env))
        {
            if (env is not YamlMappingNode envMap)
            {
                errors.Add($"{path}.environmentVariables: must be a map");
            }
            else
            {
                foreach (var (k, v) in envMap.Children)
                    if (v is not YamlScalarNode) errors.Add($"{path}.environmentVariables.{Scalar(k)}: must be a string");
            }
        }
        if (props.Children.TryGetValue("logConfig", out var logConfig) && Scalar(logConfig) != "auto")
        {
            if (logConfig is not YamlMappingNode log || !log.Children.ContainsKey("project") || !log.Children.ContainsKey("logstore"))
                errors.Add($"{path}.logConfig: 'auto' or a map with project and logstore");
        }

        var triggers = props.Children.TryGetValue("triggers", out var t) ? t as YamlSequenceNode : null;
        var web = triggers?.Children.OfType<YamlMappingNode>().Any(x => Scalar(Get(x, "triggerType")) == "http") == true;
        if (Map(props, "customRuntimeConfig") is { } runtimeConfig)
            ValidateServerConfig(runtimeConfig, $"{path}.customRuntimeConfig", web, errors, ["command", "args", "port", "healthCheckConfig"], requireCommand: true);
        if (Map(props, "customContainerConfig") is { } containerConfig)
        {
            ValidateServerConfig(containerConfig, $"{path}.customContainerConfig", web, errors,
                ["image", "command", "entrypoint", "port", "healthCheckConfig", "registryConfig"], requireCommand: false);
            var image = Resolve(Scalar(Get(containerConfig, "image")), vars);
            if (image is null) errors.Add($"{path}.customContainerConfig.image: required");
            else if (!image.Contains("${") && !Image().IsMatch(image)) errors.Add($"{path}.customContainerConfig.image: '{image}' is not registry/namespace/repository:tag");
            else if (image.Contains("aliyuncs.com") && region is not null && !image.Contains(region))
                errors.Add($"{path}.customContainerConfig.image: an ACR image of another region than {region} ({image})");
        }

        if (Map(props, "instanceLifecycleConfig") is { } lifecycle)
        {
            foreach (var (keyNode, hookNode) in lifecycle.Children)
            {
                var hookPath = $"{path}.instanceLifecycleConfig.{Scalar(keyNode)}";
                if (Scalar(keyNode) is not ("initializer" or "preStop")) { errors.Add($"{hookPath}: FC 3.0 hooks are initializer and preStop"); continue; }
                if (hookNode is not YamlMappingNode hook) { errors.Add($"{hookPath}: must be a map"); continue; }
                var hasHandler = Scalar(Get(hook, "handler")) is { Length: > 0 };
                var hasCommand = hook.Children.ContainsKey("command");
                if (hasHandler == hasCommand) errors.Add($"{hookPath}: exactly one of handler (non-empty) and command");
                Integer(hook, "timeout", hookPath, errors, vars, 1, 86400);
                foreach (var key in hook.Children.Keys.Select(Scalar))
                    if (key is not ("handler" or "timeout" or "command")) errors.Add($"{hookPath}.{key}: not a hook property");
            }
        }

        if (triggers is not null)
        {
            var names = new HashSet<string>();
            for (var i = 0; i < triggers.Children.Count; i++)
            {
                var triggerPath = $"{path}.triggers[{i}]";
                if (triggers.Children[i] is not YamlMappingNode trigger) { errors.Add($"{triggerPath}: must be a map"); continue; }
                var name = Scalar(Get(trigger, "triggerName"));
                if (name is null) errors.Add($"{triggerPath}.triggerName: required");
                else if (!names.Add(name)) errors.Add($"{triggerPath}.triggerName: {name} twice");
                var type = Scalar(Get(trigger, "triggerType"));
                if (type is null || !TriggerTypes.Contains(type)) errors.Add($"{triggerPath}.triggerType: '{type}' is not one of {string.Join(", ", TriggerTypes)}");
                if (Map(trigger, "triggerConfig") is not { } config) { errors.Add($"{triggerPath}.triggerConfig: required"); continue; }
                ValidateTriggerConfig(type, config, $"{triggerPath}.triggerConfig", errors);
                if (type is "oss" && !trigger.Children.ContainsKey("sourceArn"))
                    errors.Add($"{triggerPath}.sourceArn: required for {type} triggers");
            }
        }
        return functionName;
    }

    private static void ValidateServerConfig(YamlMappingNode config, string path, bool web, List<string> errors, string[] keys, bool requireCommand)
    {
        foreach (var key in config.Children.Keys.Select(Scalar))
            if (!keys.Contains(key)) errors.Add($"{path}.{key}: not one of {string.Join(", ", keys)}");
        foreach (var list in new[] { "command", "args", "entrypoint" })
        {
            if (config.Children.TryGetValue(list, out var value) && (value is not YamlSequenceNode sequence || sequence.Children.Any(c => c is not YamlScalarNode)))
                errors.Add($"{path}.{list}: must be a list of strings");
        }

        if (requireCommand && (Get(config, "command") as YamlSequenceNode)?.Children.Count is null or 0)
            errors.Add($"{path}.command: FC starts the instance with it (e.g. [/code/bootstrap])");
        if (Scalar(Get(config, "port")) is { } port && (!int.TryParse(port, out var p) || p is < 1 or > 65535))
            errors.Add($"{path}.port: '{port}' is not a port");
        if (!config.Children.ContainsKey("port")) errors.Add($"{path}.port: set it (the runtime listens on FC_SERVER_PORT, 9000 by default)");
        if (Map(config, "healthCheckConfig") is { } health)
        {
            if (!web) errors.Add($"{path}.healthCheckConfig: only web functions (with an http trigger) take a health check");
            var healthPath = $"{path}.healthCheckConfig";
            if (Scalar(Get(health, "httpGetUrl")) is not { } url || !url.StartsWith('/')) errors.Add($"{healthPath}.httpGetUrl: a path starting with /");
            // s-yaml.md gives no ranges for these: only their sign is checked.
            foreach (var (key, min, max) in new[] { ("initialDelaySeconds", 0, int.MaxValue), ("periodSeconds", 1, int.MaxValue), ("timeoutSeconds", 1, int.MaxValue),
                                                     ("failureThreshold", 1, int.MaxValue), ("successThreshold", 1, int.MaxValue) })
            {
                Integer(health, key, healthPath, errors, [], min, max);
            }

            foreach (var key in health.Children.Keys.Select(Scalar))
            {
                if (key is not ("httpGetUrl" or "initialDelaySeconds" or "periodSeconds" or "timeoutSeconds" or "failureThreshold" or "successThreshold"))
                    errors.Add($"{healthPath}.{key}: not a health check property");
            }
        }
    }

    private static void ValidateTriggerConfig(string? type, YamlMappingNode config, string path, List<string> errors)
    {
        switch (type)
        {
            case "http":
                if (Scalar(Get(config, "authType")) is not { } auth || !AuthTypes.Contains(auth))
                    errors.Add($"{path}.authType: required, one of {string.Join(", ", AuthTypes)}");
                if (Get(config, "methods") is not YamlSequenceNode methods || methods.Children.Count == 0)
                {
                    errors.Add($"{path}.methods: required, a list of {string.Join(", ", HttpMethods)}");
                }
                else
                {
                    foreach (var m in methods.Children.Select(Scalar))
                        if (!HttpMethods.Contains(m)) errors.Add($"{path}.methods: '{m}' is not one of {string.Join(", ", HttpMethods)}");
                }

                if (Scalar(Get(config, "authType")) == "jwt" && !config.Children.ContainsKey("authConfig"))
                    errors.Add($"{path}.authConfig: required with authType jwt");
                break;
            case "oss":
                if (Get(config, "events") is not YamlSequenceNode events || events.Children.Count == 0)
                {
                    errors.Add($"{path}.events: required");
                }
                else
                {
                    foreach (var e in events.Children.Select(Scalar))
                        if (e is null || !e.StartsWith("oss:", StringComparison.Ordinal)) errors.Add($"{path}.events: '{e}' is not an OSS event (oss:ObjectCreated:*, ...)");
                }

                if (Map(config, "filter") is not { } filter || Map(filter, "key") is null) errors.Add($"{path}.filter.key: required (prefix, suffix)");
                break;
            case "timer":
                if (Scalar(Get(config, "cronExpression")) is not { Length: > 0 }) errors.Add($"{path}.cronExpression: required");
                if (Scalar(Get(config, "enable")) is not ("true" or "false")) errors.Add($"{path}.enable: required, a boolean");
                break;
        }
    }

    private static void FindMergeKeys(YamlNode node, string path, List<string> errors)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    if (Scalar(key) == "<<") errors.Add($"{path}.<<: YAML merge key; not every YAML loader applies it, write the properties out (or use s.yaml's template/extend)");
                    FindMergeKeys(value, $"{path}.{Scalar(key)}".TrimStart('.'), errors);
                }
                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++) FindMergeKeys(sequence.Children[i], $"{path}[{i}]", errors);
                break;
        }
    }

    private static void Require(YamlMappingNode map, string key, string path, List<string> errors, Func<string, string?> check)
    {
        var at = $"{path}.{key}".TrimStart('.');
        if (Scalar(Get(map, key)) is not { } value) errors.Add($"{at}: required");
        else if (check(value) is { } problem) errors.Add($"{at}: '{value}' {problem}");
    }

    private static void Integer(YamlMappingNode map, string key, string path, List<string> errors, Dictionary<string, YamlNode> vars,
        long min, long max, Func<long, string?>? check = null)
    {
        if (!map.Children.TryGetValue(key, out var node)) return;
        var text = Resolve(Scalar(node), vars);
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) errors.Add($"{path}.{key}: '{text}' is not an integer");
        else if (value < min || value > max) errors.Add($"{path}.{key}: {value} is outside {min}..{max}");
        else if (check?.Invoke(value) is { } problem) errors.Add($"{path}.{key}: {value} {problem}");
    }

    private static void Number(YamlMappingNode map, string key, string path, List<string> errors, Dictionary<string, YamlNode> vars, double min, double max)
    {
        if (!map.Children.TryGetValue(key, out var node)) return;
        var text = Resolve(Scalar(node), vars);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) errors.Add($"{path}.{key}: '{text}' is not a number");
        else if (value < min || value > max) errors.Add($"{path}.{key}: {value} is outside {min}..{max}");
    }

    private static YamlNode? Get(YamlMappingNode map, string key) => map.Children.TryGetValue(key, out var value) ? value : null;

    private static YamlMappingNode? Map(YamlMappingNode map, string key) => Get(map, key) as YamlMappingNode;

    private static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;

    /// <summary>Replaces <c>${vars.x}</c> with the value of var x and <c>${env(...)}</c> with its default; others (config) stay as written.</summary>
    private static string? Resolve(string? text, Dictionary<string, YamlNode> vars)
    {
        if (text is null) return null;
        for (var i = 0; i < 5 && text.Contains("${"); i++) // vars may hold expressions themselves
        {
            text = VarReference().Replace(text, m => vars.TryGetValue(m.Groups[1].Value, out var v) && Scalar(v) is { } s ? s : m.Value);
            // ${env('NAME', 'default')}: the default, as s resolves it when NAME is unset
            text = EnvReference().Replace(text, m => m.Groups[2].Value);
        }
        return text;
    }

    [GeneratedRegex(@"\$\{env\('([A-Za-z0-9_]+)',\s*'([^']*)'\)\}")]
    private static partial Regex EnvReference();

    [GeneratedRegex(@"\$\{vars\.([A-Za-z0-9_-]+)\}")]
    private static partial Regex VarReference();

    [GeneratedRegex(@"^(pre|post|success|fail|complete)-(\$\{regex\('[^']+'\)\}|[a-z]+)$")]
    private static partial Regex ActionKey();

    [GeneratedRegex(@"^[a-zA-Z_][a-zA-Z0-9_-]{0,127}$")]
    private static partial Regex FunctionName();

    [GeneratedRegex(@"^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._-]+/[a-z0-9._/-]+:[A-Za-z0-9._-]+$")]
    private static partial Regex Image();
}
