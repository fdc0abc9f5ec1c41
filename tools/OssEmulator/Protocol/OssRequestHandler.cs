using System.Security.Cryptography;
using FunctionCompute.Oss.Addressing;
using FunctionCompute.OssEmulator.Faults;
using FunctionCompute.OssEmulator.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FunctionCompute.OssEmulator.Protocol;

/// <summary>
/// Serves one OSS request: parse, scripted faults, bucket, authentication (<see cref="Authenticator"/>), then the
/// operation (the table in <see cref="DispatchAsync"/>); every error becomes OSS's error document and every request a record.
/// </summary>
internal sealed class OssRequestHandler(OssEmulatorOptions options, OssObjectStore store, OssFaultInjector faults, Authenticator authenticator,
    Action<OssRequestRecord> record, Func<string> endpoint)
{
    private readonly FaultStep _faultStep = new(options, faults);
    private readonly OssResponses _responses = new(options, store);
    private readonly ObjectOperations _objects = new(options, store);
    private readonly ListingOperations _listing = new(store);
    private readonly MultipartOperations _multipart = new(options, store, endpoint);

    private DateTimeOffset Now => options.TimeProvider.GetUtcNow();

    public async Task HandleAsync(HttpContext ctx)
    {
        var call = new OssCall { RequestId = NewRequestId(), Method = ctx.Request.Method.ToUpperInvariant() };
        _responses.WriteCommonHeaders(ctx.Response, call.RequestId);
        string? errorCode = null;
        var reset = false;
        try
        {
            call.Parse(ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? ctx.Request.Path.Value ?? "/");
            call.Classify();
            if (await _faultStep.ApplyAsync(ctx, call).ConfigureAwait(false))
            {
                reset = true;
                return;
            }

            if (call.Bucket is not null && !store.BucketExists(call.Bucket))
            {
                throw OssError.NoSuchBucket(call.Bucket);
            }

            var credential = authenticator.Authenticate(ctx.Request, call);
            await DispatchAsync(ctx, call, credential).ConfigureAwait(false);
        }
        catch (OssError e)
        {
            errorCode = e.Code;
            await _responses.WriteErrorAsync(ctx, call, e).ConfigureAwait(false);
        }
        catch (Exception) when (ctx.RequestAborted.IsCancellationRequested)
        {
            errorCode = "ClientDisconnected";
        }
        catch (IOException) when (!ctx.Response.HasStarted)
        {
            // The client stopped sending the body (connection dropped or reset).
            errorCode = "IncompleteBody";
            ctx.Abort();
            reset = true;
        }
        catch (Exception ex) when (!ctx.Response.HasStarted)
        {
            errorCode = "InternalError";
            options.Log?.Invoke($"internal error on {call.Method} /{call.Bucket}/{call.Key}: {ex.GetType().Name}: {ex.Message}");
            await _responses.WriteErrorAsync(ctx, call, new OssError(500, "InternalError", "We encountered an internal error. Please try again.")).ConfigureAwait(false);
        }
        finally
        {
            var rec = new OssRequestRecord
            {
                RequestId = call.RequestId,
                Time = Now,
                Method = call.Method,
                Bucket = call.Bucket,
                Key = call.Key,
                Operation = call.Operation,
                AccessKeyId = call.AccessKeyId,
                StatusCode = reset ? 0 : ctx.Response.StatusCode,
                ErrorCode = errorCode,
                Fault = call.Fault?.Action.ToString(),
                TraceParents = ctx.Request.Headers["traceparent"].ToArray()!,
            };
            record(rec);
        }
    }

    private static string NewRequestId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    private Task DispatchAsync(HttpContext ctx, OssCall call, EmulatorCredential credential)
    {
        var bucket = call.Bucket ?? throw OssError.NotImplemented("service-level operations (ListBuckets)");
        if (call.Key is { } key && OssNames.KeyProblem(key) is not null)
        {
            throw new OssError(400, "InvalidObjectName", "The specified object is not valid.");
        }

        return call.Operation switch
        {
            "ListObjectsV2" => _listing.ListObjectsV2Async(ctx, call, bucket),
            "ListObjects" => throw OssError.NotImplemented("ListObjects (v1); use list-type=2"),
            "PutObject" => _objects.PutAsync(ctx, call, bucket, call.Key!, credential),
            "GetObject" => _objects.GetAsync(ctx, call, bucket, call.Key!, head: false),
            "HeadObject" => _objects.GetAsync(ctx, call, bucket, call.Key!, head: true),
            "DeleteObject" => _objects.DeleteAsync(ctx, bucket, call.Key!),
            "InitiateMultipartUpload" => _multipart.InitiateAsync(ctx, call, bucket, call.Key!, credential),
            "UploadPart" => _multipart.UploadPartAsync(ctx, call, bucket, call.Key!),
            "CompleteMultipartUpload" => _multipart.CompleteAsync(ctx, call, bucket, call.Key!, credential),
            "AbortMultipartUpload" => _multipart.AbortAsync(ctx, call, bucket, call.Key!),
            "ListParts" => throw OssError.NotImplemented("ListParts"),
            "Unsupported" => throw OssError.NotImplemented($"the '{call.UnsupportedSubresource()}' sub-resource"),
            "GetBucketSubresource" => throw OssError.NotImplemented("bucket sub-resources"),
            "PutBucket" or "DeleteBucket" => throw OssError.MethodNotAllowed(call.Method, "Bucket"),
            _ => throw OssError.MethodNotAllowed(call.Method, call.Key is null ? "Bucket" : "Object"),
        };
    }
}
