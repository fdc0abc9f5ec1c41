using OpenTelemetry.Resources;

namespace FunctionCompute.Runtime.OpenTelemetry;

/// <summary>
/// The resource every span and metric of the instance carries: the function (service.name defaults to FC's function
/// name), the cloud and the FaaS instance, from FC's environment. <c>OTEL_SERVICE_NAME</c> and
/// <c>OTEL_RESOURCE_ATTRIBUTES</c> win over these. Nothing secret is read: no key, no token.
/// </summary>
internal static class FcResource
{
    public static ResourceBuilder For(FcEnvironment environment)
    {
        var attributes = new List<KeyValuePair<string, object>>
        {
            new("cloud.provider", "alibaba_cloud"),
            new("cloud.platform", "alibaba_cloud_fc"),
        };
        void Add(string key, object? value)
        {
            if (value is not null and not "") attributes.Add(new(key, value));
        }
        Add("cloud.region", environment.Region);
        Add("cloud.account.id", environment.AccountId);
        Add("faas.name", environment.FunctionName);
        Add("faas.instance", environment.InstanceId);
        // Conventions: bytes (FC says MB).
        Add("faas.max_memory", environment.MemoryLimitInMB * 1024L * 1024L);
        return ResourceBuilder.CreateEmpty()
            .AddService(environment.FunctionName ?? "fc-function", serviceInstanceId: environment.InstanceId, autoGenerateServiceInstanceId: environment.InstanceId is null)
            .AddAttributes(attributes)
            .AddTelemetrySdk()
            // Last, so the user's variables win: OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME.
            .AddEnvironmentVariableDetector();
    }
}
