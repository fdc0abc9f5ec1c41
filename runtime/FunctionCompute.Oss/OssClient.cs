using System.Diagnostics;
using System.Net;
using FunctionCompute.Credentials;
using FunctionCompute.Credentials.Internal;
using FunctionCompute.Oss.Addressing;
using FunctionCompute.Oss.Http;
using FunctionCompute.Oss.Signing;

namespace FunctionCompute.Oss;

/// <summary>
/// An OSS client for one endpoint. Thread-safe and cheap: it holds no connections of its own (they live in
/// the shared <see cref="HttpClient"/>), so a client per set of credentials is fine, and any call can also
/// override the credentials through <see cref="OssRequestOptions.Credentials"/>.
/// </summary>
public sealed partial class OssClient
{
    private const string SkewCode = "RequestTimeTooSkewed";

    private static readonly HashSet<string> RetryableCodes = new(StringComparer.Ordinal)
    {
        "BadRequest", "InternalError", "ServiceUnavailable", "Throttling", "RequestThrottled", "TooManyRequests", "SlowDown",
    };

    private readonly OssClientOptions _options;
    private readonly ICredentialsProvider _credentials;
    private readonly HttpClient _http;
    private long _clockOffsetTicks;

    /// <summary>Creates a client.</summary>
    /// <param name="options">Endpoint and behaviour; copied values are read at each call.</param>
    /// <param name="credentials">Default credentials for calls that do not bring their own.</param>
    /// <param name="httpClient">An HTTP client to use instead of the process-wide one (tests, custom handlers).
    /// It must not decompress responses, or CRC checks fail.</param>
    /// <exception cref="ArgumentException">Invalid options, or no region can be determined.</exception>
    public OssClient(OssClientOptions options, ICredentialsProvider credentials, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        options.Validate();
        _options = options;
        _credentials = credentials;
        _http = httpClient ?? OssHttp.SharedClient;
        Endpoint = OssEndpoint.Parse(options.Endpoint);
        Region = !string.IsNullOrWhiteSpace(options.Region) ? options.Region.Trim()
            : Endpoint.Region ?? throw new ArgumentException(
                $"The region cannot be derived from endpoint '{Endpoint}'; set OssClientOptions.Region.", nameof(options));
    }

    /// <summary>The parsed endpoint.</summary>
    public OssEndpoint Endpoint { get; }

    /// <summary>The signing region.</summary>
    public string Region { get; }

    /// <summary>Server time minus local time, learnt from a <c>RequestTimeTooSkewed</c> answer (zero until then).</summary>
    public TimeSpan ClockOffset => TimeSpan.FromTicks(Interlocked.Read(ref _clockOffsetTicks));

    /// <summary>Endpoint and region only.</summary>
    public override string ToString() => $"OssClient({Endpoint}, {Region})";

    internal static bool IsTransient(Exception? exception) => exception switch
    {
        OssException e => (int)e.StatusCode >= 500
            || e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            || RetryableCodes.Contains(e.Code),
        OssIntegrityException => true, // upload corrupted in transit: sending again is the fix
        TimeoutException => true,
        HttpRequestException => true,
        IOException => true,
        _ => false,
    };

    /// <summary>
    /// Sends with retries when the body can be replayed and hands the response, its body unread, to the caller,
    /// who disposes it (headers-only answers, object downloads).
    /// </summary>
    internal ValueTask<HttpResponseMessage> SendAsync(OssRequest request, CancellationToken cancellationToken) =>
        SendAsync(request, static (response, _) => ValueTask.FromResult(response), disposeResponse: false, cancellationToken);

    /// <summary>
    /// Sends with retries when the body can be replayed and reads the answer with <paramref name="read"/> inside
    /// the attempt: the per-attempt timeout covers the body, a connection lost while reading is retried like one
    /// lost while sending, and the response is disposed afterwards.
    /// </summary>
    internal ValueTask<T> SendAsync<T>(OssRequest request, Func<HttpResponseMessage, CancellationToken, ValueTask<T>> read, CancellationToken cancellationToken) =>
        SendAsync(request, read, disposeResponse: true, cancellationToken);

    private async ValueTask<T> SendAsync<T>(OssRequest request, Func<HttpResponseMessage, CancellationToken, ValueTask<T>> read, bool disposeResponse,
        CancellationToken cancellationToken)
    {
        // A body that cannot be sent again gets one attempt. Options are read per call (they may change between calls).
        var retries = request.Body is { IsReplayable: false } ? 0 : _options.MaxRetries;
        for (var retry = 0; ; retry++)
        {
            try
            {
                return await AttemptAsync(request, read, disposeResponse, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (retry < retries && IsTransient(exception))
            {
                // Retried below, after the backoff; the last failure is the one the caller sees.
            }

            // On the system clock, as the attempt's timeout: the options' TimeProvider is the signing clock.
            await Task.Delay(RetryBackoff.Delay(retry, _options.RetryBaseDelay, _options.RetryMaxDelay), cancellationToken).ConfigureAwait(false);
        }
    }

    // One attempt under its own timeout. Every response is read headers-first: a body is only ever read through a
    // bounded reader (OssXml, OssErrorParser) or by the caller of a download, never buffered whole by HttpClient.
    private async ValueTask<T> AttemptAsync<T>(OssRequest request, Func<HttpResponseMessage, CancellationToken, ValueTask<T>> read, bool disposeResponse,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            var response = await SendWithSkewCorrectionAsync(request, cancellationToken, timeout.Token).ConfigureAwait(false);
            var handedOver = false;
            try
            {
                var result = await read(response, timeout.Token).ConfigureAwait(false);
                handedOver = !disposeResponse;
                return result;
            }
            finally
            {
                if (!handedOver) response.Dispose();
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"OSS {request} did not answer within {_options.RequestTimeout}.", ex);
        }
    }

    // The skew correction sits inside the attempt so it happens at most once per attempt and without a backoff
    // delay; it shares the attempt's timeout.
    private async ValueTask<HttpResponseMessage> SendWithSkewCorrectionAsync(OssRequest request, CancellationToken cancellationToken, CancellationToken attemptToken)
    {
        try
        {
            return await SendOnceAsync(request, cancellationToken, attemptToken).ConfigureAwait(false);
        }
        catch (OssException e) when (e.Code == SkewCode && _options.CorrectClockSkew && e.ServerTime is not null
                                      && request.Body is not { IsReplayable: false })
        {
            var offset = e.ServerTime.Value - _options.TimeProvider.GetUtcNow();
            Interlocked.Exchange(ref _clockOffsetTicks, offset.Ticks);
            return await SendOnceAsync(request, cancellationToken, attemptToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<HttpResponseMessage> SendOnceAsync(OssRequest request, CancellationToken cancellationToken, CancellationToken attemptToken)
    {
        var credentials = request.Credentials
            ?? await _credentials.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
        var now = _options.TimeProvider.GetUtcNow() + ClockOffset;
        using var message = BuildMessage(request, credentials, now);
        // The span covers the exchange up to the answer's headers; a download's body is read by the caller after it.
        using var activity = OssTracing.Start(request, message);

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attemptToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (ClientTracing.Failed(activity, exception))
        {
            throw;
        }

        ClientTracing.Answered(activity, response.StatusCode);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                string[] secrets = [credentials.AccessKeySecret, credentials.SecurityToken ?? ""];
                throw await OssErrorParser.FromResponseAsync(response, secrets, attemptToken).ConfigureAwait(false);
            }
        }

        if (request.VerifyUploadCrc && _options.VerifyCrc64 && request.Body?.SentCrc64 is ulong sent
            && ResponseHeaders.Crc64(response) is ulong reported && reported != sent)
        {
            response.Dispose();
            var mismatch = new OssIntegrityException(reported, sent, ResponseHeaders.RequestId(response));
            ClientTracing.Failed(activity, mismatch);
            throw mismatch;
        }

        return response;
    }

    private HttpRequestMessage BuildMessage(OssRequest request, CloudCredentials credentials, DateTimeOffset now)
    {
        var signing = new OssSigningRequest(request.Method.Method, request.Bucket, request.Key);
        signing.Query.AddRange(request.Query);
        signing.AddHeader("x-oss-date", OssV4Signer.FormatDateTime(now));
        signing.AddHeader("x-oss-content-sha256", OssV4Signer.UnsignedPayload);
        if (credentials.SecurityToken is { } token)
        {
            signing.AddHeader("x-oss-security-token", token);
        }

        signing.Headers.AddRange(request.Headers);

        var message = new HttpRequestMessage(request.Method, OssUrlBuilder.Build(Endpoint, request.Bucket, request.Key, request.Query, _options.UsePathStyle));
        message.Headers.Date = now;
        message.Headers.TryAddWithoutValidation("User-Agent", "FunctionCompute.Oss/1.0");

        var content = request.Body?.CreateContent();
        if (content is null && (request.ContentType is not null || request.Method == HttpMethod.Put || request.Method == HttpMethod.Post))
        {
            content = new ByteArrayContent([]);
        }

        if (content is not null)
        {
            content.Headers.ContentType = null;
            if (request.ContentType is { } contentType)
            {
                signing.AddHeader("Content-Type", contentType);
            }

            if (request.Body?.ContentMd5 is { } md5)
            {
                signing.AddHeader("Content-MD5", md5);
            }

            message.Content = content;
        }

        foreach (var (name, value) in signing.Headers)
        {
            // .NET splits request and content headers (Content-Disposition, Content-Encoding…); a header
            // rejected by one collection belongs to the other.
            if (!message.Headers.TryAddWithoutValidation(name, value) && content?.Headers.TryAddWithoutValidation(name, value) != true)
            {
                throw new InvalidOperationException($"Header '{name}' could not be added to the request.");
            }
        }

        if (!credentials.IsEmpty)
        {
            var signature = OssV4Signer.Sign(signing, credentials.AccessKeyId, credentials.AccessKeySecret, Region);
            message.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        }

        return message;
    }

    private static void ValidateBucket(string bucket)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        if (!OssNames.IsValidBucketName(bucket))
        {
            throw new ArgumentException($"'{bucket}' is not a valid OSS bucket name ({OssNames.BucketRule}).", nameof(bucket));
        }
    }

    private static void ValidateKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (OssNames.KeyProblem(key) is { } problem)
        {
            throw new ArgumentException(problem, nameof(key));
        }
    }
}
