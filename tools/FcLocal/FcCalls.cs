using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using FunctionCompute.Credentials;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Contract;

namespace FunctionCompute.FcLocal;

/// <summary>The calls FC makes to an instance, with FC's request headers.</summary>
internal static class FcCalls
{
    public static string NewRequestId() => Guid.NewGuid().ToString("D");

    /// <summary>
    /// Adds FC's headers for one call, <c>x-fc-control-path</c> always: the runtime takes a control path without it as a
    /// control call only in an event-only app, so a web request must say it is one (<see cref="ControlPaths.HttpInvoke"/>).
    /// </summary>
    public static void AddHeaders(HttpRequestHeaders headers, FunctionSettings settings, CloudCredentials credentials, string requestId, string controlPath) =>
        FcRequestHeaderWriter.Write(headers, new FcContext
        {
            RequestId = requestId,
            Credentials = credentials,
            FunctionParam = new FunctionParam
            {
                FunctionName = settings.FunctionName,
                FunctionHandler = settings.Handler ?? "",
                MemoryLimitInMB = settings.MemoryMB,
                FunctionTimeout = settings.TimeoutSeconds,
                FunctionInitializer = settings.Initializer,
                // FC sends the initializer's timeout only with an initializer.
                InitializationTimeout = settings.Initializer is null ? null : settings.InitializationTimeoutSeconds,
                PreStopHandler = settings.PreStop,
            },
            ServiceMeta = new ServiceMeta { Qualifier = "LATEST" },
            Region = settings.Region,
            AccountId = settings.AccountId,
        }, controlPath);

    /// <summary>The header FC 3.0 adds to its answer to the caller when the instance's initializer failed or timed out.</summary>
    public const string ErrorTypeHeader = "X-Fc-Error-Type";

    /// <summary>Its value then. FC answers the caller 200 with the initializer's error body; the invocation never ran.</summary>
    public const string InitializationError = "InitializationError";

    /// <summary>
    /// Calls the initializer (<c>POST /initialize</c>). It failed when it answered anything but 200, did not answer within
    /// its timeout, or could not be reached; the body is then its error JSON, or one in FC's shape saying what happened.
    /// </summary>
    public static async Task<InitializerOutcome> InitializeAsync(HttpClient client, FunctionSettings settings, CloudCredentials credentials, CancellationToken token)
    {
        var requestId = NewRequestId();
        string Error(string message, string type) =>
            JsonSerializer.Serialize(new ErrorResponse(message, type, []), RuntimeJsonContext.Readable.ErrorResponse);
        try
        {
            var (status, body, _) = await HookAsync(client, HttpMethod.Post, ControlPaths.Initialize, settings, credentials, settings.InitializationTimeoutSeconds, token, requestId);
            return new InitializerOutcome(status == 200, status, body, requestId);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return new InitializerOutcome(false, null, Error($"The initializer did not finish within its timeout ({settings.InitializationTimeoutSeconds} s).", "InitializationTimeout"), requestId);
        }
        catch (HttpRequestException exception)
        {
            return new InitializerOutcome(false, null, Error($"The initializer could not be called: {exception.Message}", "InitializationFailed"), requestId);
        }
    }

    /// <summary>A lifecycle call (<c>POST /initialize</c>, <c>GET /pre-stop</c>); returns the status FC reads (x-fc-status, else HTTP) and the body.</summary>
    public static async Task<(int Status, string Body, string RequestId)> HookAsync(HttpClient client, HttpMethod method, string path, FunctionSettings settings,
        CloudCredentials credentials, int timeoutSeconds, CancellationToken token, string? requestId = null)
    {
        requestId ??= NewRequestId();
        using var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post) request.Content = new ByteArrayContent([]);
        AddHeaders(request.Headers, settings, credentials, requestId, path);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds + 3));
        using var response = await client.SendAsync(request, timeout.Token);
        return (Status(response), await response.Content.ReadAsStringAsync(timeout.Token), requestId);
    }

    public static int Status(HttpResponseMessage response) =>
        response.Headers.TryGetValues(FcHeaders.Status, out var values) && int.TryParse(values.FirstOrDefault(), out var status) ? status : (int)response.StatusCode;
}

/// <summary>How an invocation gets its STS credentials.</summary>
internal enum CredentialsMode
{
    /// <summary>The official default chain (environment, CLI profile, INI file, ECS RAM role, credentials URI).</summary>
    Default,
    /// <summary>Made-up STS-shaped credentials, fresh for the run (enough for code that only passes them on, or a local OSS).</summary>
    Generated,
    /// <summary>None: a function without a role.</summary>
    None,
}

internal static class CredentialsSource
{
    public static async Task<CloudCredentials> ResolveAsync(CredentialsMode mode, CancellationToken token)
    {
        switch (mode)
        {
            case CredentialsMode.None:
                return CloudCredentials.None;
            case CredentialsMode.Generated:
                var id = Guid.NewGuid().ToString("N");
                return new CloudCredentials($"STS.fclocal{id[..16]}", Convert.ToBase64String(Guid.NewGuid().ToByteArray()), $"CAIS-fc-local-{id}",
                    DateTimeOffset.UtcNow.AddHours(1));
            default:
                var provider = new FunctionCompute.Credentials.Chain.DefaultCredentialsProvider();
                try
                {
                    var credentials = await provider.GetCredentialsAsync(token);
                    Terminal.Status($"credentials from the default chain ({provider.ProviderName}): {credentials}");
                    return credentials;
                }
                catch (Exception exception) when (exception is CredentialsException or HttpRequestException or IOException or OperationCanceledException && !token.IsCancellationRequested)
                {
                    Terminal.Status($"no credentials from the default chain ({exception.Message.Split('\n')[0]}); invoking without (like a function without a role). Use --generated-credentials for made-up ones.", "33");
                    return CloudCredentials.None;
                }
        }
    }
}

/// <summary>How the initializer went: its status (null when it never answered), its body, and the request id it was called with.</summary>
internal sealed record InitializerOutcome(bool Succeeded, int? Status, string Body, string RequestId)
{
    /// <summary>What went wrong, for the terminal.</summary>
    public string Verdict => Status is { } status ? $"the initializer failed (it answered {status})" : "the initializer failed (no answer)";
}
