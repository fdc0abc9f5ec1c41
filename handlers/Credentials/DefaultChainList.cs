using FunctionCompute.Credentials;
using FunctionCompute.Credentials.Chain;
using FunctionCompute.Oss;
using FunctionCompute.Runtime;
using SampleFunctions.Oss;

namespace SampleFunctions.Credentials;

/// <summary>The event of <c>oss-list-default-chain</c>; the endpoint follows the rule of <see cref="PutObjectEvent.Endpoint"/>.</summary>
public sealed record DefaultChainListEvent(string? Endpoint, string? Bucket, string? Prefix = null, int? MaxKeys = null, string? Region = null);

/// <summary>The answer of <c>oss-list-default-chain</c>.</summary>
/// <param name="Provider">The provider of the default chain that supplied the credentials (<c>env</c>, <c>ecs_ram_role</c>, <c>cli_profile</c>, ...).</param>
/// <param name="Bucket">The bucket listed.</param>
/// <param name="Prefix">The prefix, if any.</param>
/// <param name="Keys">The object keys, in order.</param>
/// <param name="Truncated">True when more objects than <c>maxKeys</c> match.</param>
public sealed record DefaultChainListResult(string Provider, string Bucket, string? Prefix, IReadOnlyList<string> Keys, bool Truncated);

/// <summary>
/// <c>oss-list-default-chain</c>: lists a bucket with the official default credentials chain instead of the
/// invocation's credentials: on FC the instance's <c>ALIBABA_CLOUD_*</c> variables, on ECS the instance RAM role,
/// on a laptop the CLI profile or the credentials INI file. The same code runs unchanged in all three places.
/// </summary>
public static class DefaultChainList
{
    /// <summary>Lists the objects under the prefix (up to <c>maxKeys</c>, default 1000).</summary>
    public static async Task<DefaultChainListResult> HandleAsync(DefaultChainListEvent input, IFcContext context, OssClients clients, DefaultCredentialsProvider chain)
    {
        var endpoint = SampleEvent.Require(input.Endpoint, "endpoint");
        var bucket = SampleEvent.Require(input.Bucket, "bucket");
        var limit = Math.Clamp(input.MaxKeys ?? 1000, 1, 100_000);
        // The endpoint is checked before the chain is asked for credentials (which may call the metadata service or STS).
        var client = clients.For(endpoint, input.Region, context);

        CloudCredentials credentials;
        try
        {
            credentials = await chain.GetCredentialsAsync(context.CancellationToken);
        }
        catch (CredentialsException exception)
        {
            // Each provider's reason, no secrets: e.g. "[env] ALIBABA_CLOUD_ACCESS_KEY_ID cannot be empty; [ecs_ram_role] ...".
            throw new MissingCredentialsException("The default credentials chain has no credentials: " + exception.Message);
        }
        var provider = (chain.LastUsedProvider as INamedCredentialsProvider)?.ProviderName ?? chain.LastUsedProvider?.GetType().Name ?? "unknown";

        var keys = new List<string>();
        var truncated = false;
        await foreach (var item in client.ListObjectsAsync(bucket, new ListObjectsV2Options { Prefix = input.Prefix, Credentials = credentials }, context.CancellationToken))
        {
            if (keys.Count == limit)
            {
                truncated = true;
                break;
            }
            keys.Add(item.Key);
        }
        return new DefaultChainListResult(provider, bucket, input.Prefix, keys, truncated);
    }
}
