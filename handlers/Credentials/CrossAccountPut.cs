using System.Text;
using FunctionCompute.Oss;
using FunctionCompute.Runtime;
using Microsoft.Extensions.Logging;
using SampleFunctions.Oss;

namespace SampleFunctions.Credentials;

/// <summary>The event of <c>oss-cross-account-put</c>.</summary>
/// <param name="RoleArn">The other account's role, <c>acs:ram::&lt;account id&gt;:role/&lt;name&gt;</c>; its trust policy must let the function's role assume it.</param>
/// <param name="Endpoint">That account's OSS endpoint, e.g. <c>oss-cn-hangzhou.aliyuncs.com</c>; it must pass
/// <see cref="FunctionCompute.Oss.Addressing.OssEndpointPolicy"/> (https OSS hosts; loopback only with <c>OSS_ALLOW_LOOPBACK_ENDPOINTS=true</c>).</param>
/// <param name="Bucket">That account's bucket.</param>
/// <param name="ObjectName">The object key.</param>
/// <param name="Message">The object's content (UTF-8 text).</param>
/// <param name="Region">Optional: the region to sign OSS requests for when the endpoint does not name one (a region id, e.g. <c>cn-hangzhou</c>).</param>
/// <param name="ExternalId">Optional: the external id the role's trust policy requires.</param>
/// <param name="StsEndpoint">Not accepted: an event carrying it is refused (<see cref="InvalidEventException"/>). The STS endpoint
/// is configuration, never the event: <c>ALIBABA_CLOUD_STS_ENDPOINT</c>, else <c>sts.&lt;function's region&gt;.aliyuncs.com</c>
/// (see <see cref="AssumedRoles.StsBaseAddress"/>). The field stays in the record only so such events fail loudly.</param>
public sealed record CrossAccountPutEvent(string? RoleArn, string? Endpoint, string? Bucket, string? ObjectName, string? Message,
    string? Region = null, string? ExternalId = null, string? StsEndpoint = null);

/// <summary>
/// <c>oss-cross-account-put</c>: assumes another account's role with the invocation's own STS credentials, then writes
/// the event's <c>message</c> to that account's bucket with the assumed credentials, and answers <c>success</c>.
/// The assumed credentials are cached per role and refreshed before they expire (see <see cref="AssumedRoles"/>). STS is
/// reached at the configured endpoint only (<c>ALIBABA_CLOUD_STS_ENDPOINT</c>, else the function's region), over https.
/// </summary>
public static class CrossAccountPut
{
    /// <summary>Puts the object as the assumed role.</summary>
    public static async Task<EventResult> HandleAsync(CrossAccountPutEvent input, IFcContext context, OssClients clients, AssumedRoles roles)
    {
        var roleArn = SampleEvent.Require(input.RoleArn, "roleArn").Trim();
        if (!roleArn.StartsWith("acs:ram::", StringComparison.Ordinal))
            throw new InvalidEventException("The \"roleArn\" must look like acs:ram::<account id>:role/<role name>.");
        var endpoint = SampleEvent.Require(input.Endpoint, "endpoint");
        var bucket = SampleEvent.Require(input.Bucket, "bucket");
        var key = SampleEvent.Require(input.ObjectName, "objectName");
        if (input.Message is null) throw new InvalidEventException("The event needs a \"message\" (it may be an empty string).");
        if (input.StsEndpoint is not null)
        {
            throw new InvalidEventException("The event must not carry \"stsEndpoint\": the STS endpoint is configuration, not event "
                + $"({AssumedRoles.StsEndpointVariable}, else sts.<function's region>.aliyuncs.com). Remove the field.");
        }

        var functionCredentials = SampleEvent.RequireCredentials(context);
        // The OSS endpoint is checked before STS is asked for anything.
        var client = clients.For(endpoint, input.Region, context);

        var assumed = await roles.GetAsync(roleArn, input.ExternalId, functionCredentials, context);
        var result = await client.PutObjectAsync(bucket, key, Encoding.UTF8.GetBytes(input.Message),
            new PutObjectOptions { ContentType = "text/plain; charset=utf-8", Credentials = assumed }, context.CancellationToken);

        // The key id is not a secret (it identifies the session in the other account's logs); secret and token never appear.
        context.Logger.LogInformation("put oss://{Bucket}/{Key} as {RoleArn} (assumed key {AccessKeyId}, ETag {ETag}, OSS request {OssRequestId})",
            bucket, key, roleArn, assumed.AccessKeyId, result.ETag, result.RequestId);
        return EventResult.FromText("success");
    }
}
