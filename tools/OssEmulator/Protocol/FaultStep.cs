using System.Globalization;
using FunctionCompute.Oss.Signing;
using FunctionCompute.OssEmulator.Faults;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.OssEmulator.Protocol;

/// <summary>Applies the scripted fault (if any) that matches a request, before it is authenticated or served.</summary>
internal sealed class FaultStep(OssEmulatorOptions options, OssFaultInjector faults)
{
    private DateTimeOffset Now => options.TimeProvider.GetUtcNow();

    /// <summary>Applies a scripted fault; true when the connection was reset (nothing more to do).</summary>
    public async Task<bool> ApplyAsync(HttpContext ctx, OssCall call)
    {
        var fault = faults.TryTake(call.RequestId, call.Method, call.Operation, call.Bucket, call.Key);
        if (fault is null) return false;
        call.Fault = fault;
        if (fault.DelayMilliseconds > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(fault.DelayMilliseconds), ctx.RequestAborted).ConfigureAwait(false);
        }

        switch (fault.Action)
        {
            case OssFaultAction.Delay:
                return false;
            case OssFaultAction.Error:
                await RequestBodies.DrainAsync(ctx, call).ConfigureAwait(false);
                throw new OssError(fault.StatusCode, fault.Code ?? OssError.DefaultCodeFor(fault.StatusCode), fault.Message ?? "Injected by the OSS emulator.");
            case OssFaultAction.ClockSkew:
            {
                await RequestBodies.DrainAsync(ctx, call).ConfigureAwait(false);
                var requestTime = DateTime.TryParseExact(ctx.Request.Headers["x-oss-date"].ToString(), OssV4Signer.DateTimeFormat,
                    CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
                    ? new DateTimeOffset(t, TimeSpan.Zero) : Now;
                throw OssError.RequestTimeTooSkewed(requestTime, fault.ServerTime ?? Now, options.MaxClockSkew);
            }

            case OssFaultAction.ResetConnection:
                await RequestBodies.DrainAsync(ctx, call).ConfigureAwait(false);
                ctx.Abort();
                return true;
            case OssFaultAction.CorruptCrc64:
                ctx.Response.OnStarting(() =>
                {
                    if (ulong.TryParse(ctx.Response.Headers["x-oss-hash-crc64ecma"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var real))
                    {
                        ctx.Response.Headers["x-oss-hash-crc64ecma"] = OssFormats.Decimal(fault.Crc64 ?? real ^ 1UL);
                    }

                    return Task.CompletedTask;
                });
                return false;
            default:
                return false;
        }
    }
}
