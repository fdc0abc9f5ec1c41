using FunctionCompute.Credentials;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Hosting;

namespace SampleFunctions;

/// <summary>The answer of <c>GET /whoami</c>.</summary>
public sealed record WhoAmIResult(string RequestId, string Region, string FunctionName, bool HasCredentials, string AccessKeyIdPrefix);

/// <summary><c>GET /whoami</c>: a web endpoint that reads the FC context of its request.</summary>
public static class WhoAmI
{
    /// <summary>Answers with the caller's request id and region.</summary>
    public static WhoAmIResult Handle(HttpContext http)
    {
        var context = http.GetFcContext();
        return new WhoAmIResult(context.RequestId, context.Region, context.FunctionParam.FunctionName,
            !context.Credentials.IsEmpty, CloudCredentials.Redact(context.Credentials.AccessKeyId));
    }
}
