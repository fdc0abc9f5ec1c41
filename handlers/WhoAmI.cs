using FunctionCompute.Credentials;
using FunctionCompute.Runtime;

namespace SampleFunctions;

/// <summary>The answer of <c>GET /whoami</c>.</summary>
public sealed record WhoAmIResult(string RequestId, string Region, string FunctionName, bool HasCredentials, string AccessKeyIdPrefix);

/// <summary><c>GET /whoami</c>: a web endpoint that reads the FC context of its request.</summary>
public static class WhoAmI
{
    /// <summary>Answers with the caller's request id and region.</summary>
    /// <remarks>
    /// A <see cref="RequestDelegate"/> that writes its JSON with the source-generated contract, rather than a lambda
    /// returning the record: the endpoint code generated for such a lambda sets up ASP.NET Core's JSON options when
    /// the endpoint is mapped, and that first use of System.Text.Json cost about 5 ms of every instance's cold start,
    /// whatever function the instance serves.
    /// </remarks>
    public static Task HandleAsync(HttpContext http)
    {
        var context = http.GetFcContext();
        var result = new WhoAmIResult(context.RequestId, context.Region, context.FunctionParam.FunctionName,
            !context.Credentials.IsEmpty, CloudCredentials.Redact(context.Credentials.AccessKeyId));
        return http.Response.WriteAsJsonAsync(result, SampleJson.Default.WhoAmIResult, cancellationToken: http.RequestAborted);
    }
}
