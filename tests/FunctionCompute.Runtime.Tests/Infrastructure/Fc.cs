using System.Net.Http.Headers;
using System.Text;
using FunctionCompute.Runtime.Contract;

namespace FunctionCompute.Runtime.Tests.Infrastructure;

/// <summary>Builds requests the way FC sends them.</summary>
public static class Fc
{
    public static HttpRequestMessage Invoke(string? handler, HttpContent? body = null, string? requestId = null, IDictionary<string, string>? headers = null, bool controlPath = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ControlPaths.Invoke) { Content = body ?? new ByteArrayContent([]) };
        request.Content.Headers.ContentType ??= new MediaTypeHeaderValue("application/octet-stream");
        if (controlPath) request.Headers.Add(FcHeaders.ControlPath, ControlPaths.Invoke);
        request.Headers.Add(FcHeaders.RequestId, requestId ?? Guid.NewGuid().ToString());
        if (handler is not null) request.Headers.Add(FcHeaders.FunctionHandler, handler);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    public static HttpRequestMessage Invoke(string? handler, string body, string? requestId = null, IDictionary<string, string>? headers = null) =>
        Invoke(handler, new StringContent(body, Encoding.UTF8), requestId, headers);

    public static HttpRequestMessage Hook(HttpMethod method, string path, string? requestId = null, IDictionary<string, string>? headers = null, bool controlPath = true)
    {
        var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post) request.Content = new ByteArrayContent([]);
        if (controlPath) request.Headers.Add(FcHeaders.ControlPath, path);
        request.Headers.Add(FcHeaders.RequestId, requestId ?? Guid.NewGuid().ToString());
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    public static Dictionary<string, string> Credentials(string id, string secret, string? token) => new()
    {
        [FcHeaders.AccessKeyId] = id,
        [FcHeaders.AccessKeySecret] = secret,
        [FcHeaders.SecurityToken] = token ?? "",
    };
}
