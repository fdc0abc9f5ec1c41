using System.Globalization;

namespace FunctionCompute.OssEmulator.Protocol;

/// <summary>
/// An OSS error answer, thrown anywhere in request handling and rendered once as OSS does: the XML
/// <c>&lt;Error&gt;</c> document (or, for HEAD, the same document base64-encoded in <c>x-oss-err</c>).
/// EC values are only given where the public OSS documentation names them.
/// </summary>
internal sealed class OssError : Exception
{
    public OssError(int status, string code, string message, string? ec = null, IEnumerable<(string Name, string Value)>? extra = null)
        : base($"{status} {code}: {message}")
    {
        Status = status;
        Code = code;
        ErrorMessage = message;
        Ec = ec;
        Extra = extra?.ToList() ?? [];
    }

    public int Status { get; }

    public string Code { get; }

    public string ErrorMessage { get; }

    public string? Ec { get; }

    /// <summary>Extra child elements of <c>&lt;Error&gt;</c> (e.g. <c>ServerTime</c>, <c>StringToSign</c>).</summary>
    public List<(string Name, string Value)> Extra { get; }

    /// <summary>Extra response headers (e.g. <c>Date</c> for RequestTimeTooSkewed).</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static OssError AccessDenied(string message, string? ec = null) => new(403, "AccessDenied", message, ec);

    public static OssError Anonymous() =>
        new(403, "AccessDenied", "You have no right to access this object because of bucket acl.");

    public static OssError InvalidAccessKeyId(string accessKeyId, string? ec = null) =>
        new(403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.", ec, [("OSSAccessKeyId", accessKeyId)]);

    public static OssError InvalidSecurityToken() =>
        new(403, "InvalidSecurityToken", "The security token you provided is invalid.", "0002-00000006");

    public static OssError TokenNotMatch() =>
        new(403, "AccessKeyIdAndSecurityTokenNotMatch", "The AccessKeyId and the security token do not belong together.", "0002-00000004");

    public static OssError SecurityTokenExpired() =>
        new(403, "SecurityTokenExpired", "The security token you provided has expired.", "0002-00000007");

    public static OssError InvalidArgument(string message, string? argumentName = null, string? argumentValue = null, string? ec = null)
    {
        var extra = new List<(string, string)>();
        if (argumentName is not null) extra.Add(("ArgumentName", argumentName));
        if (argumentValue is not null) extra.Add(("ArgumentValue", argumentValue));
        return new OssError(400, "InvalidArgument", message, ec, extra);
    }

    public static OssError NoSuchBucket(string bucket) =>
        new(404, "NoSuchBucket", "The specified bucket does not exist.", null, [("BucketName", bucket)]);

    public static OssError NoSuchKey(string key) =>
        new(404, "NoSuchKey", "The specified key does not exist.", "0026-00000001", [("Key", key)]);

    public static OssError NoSuchUpload(string uploadId) =>
        new(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
            null, [("UploadId", uploadId)]);

    public static OssError InvalidDigest(string message, string? ec = null) => new(400, "InvalidDigest", message, ec);

    public static OssError FileAlreadyExists(string? ec = null) =>
        new(409, "FileAlreadyExists", "The object you specified already exists and can not be overwritten.", ec);

    public static OssError MethodNotAllowed(string method, string resourceType) =>
        new(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", null,
            [("Method", method), ("ResourceType", resourceType)]);

    public static OssError NotImplemented(string what) =>
        new(501, "NotImplemented", $"The OSS emulator does not implement {what}.");

    public static OssError MalformedXml(string detail) =>
        new(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema. " + detail);

    public static OssError RequestTimeTooSkewed(DateTimeOffset requestTime, DateTimeOffset serverTime, TimeSpan maxSkew)
    {
        var e = new OssError(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", null,
        [
            ("MaxAllowedSkewMilliseconds", ((long)maxSkew.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
            ("RequestTime", OssFormats.IsoTime(requestTime)),
            ("ServerTime", OssFormats.IsoTime(serverTime)),
        ]);
        e.Headers["Date"] = OssFormats.HttpDate(serverTime);
        return e;
    }

    public static string DefaultCodeFor(int status) => status switch
    {
        500 => "InternalError",
        503 => "ServiceUnavailable",
        429 => "TooManyRequests",
        408 => "RequestTimeout",
        400 => "InvalidArgument",
        403 => "AccessDenied",
        404 => "NoSuchKey",
        _ => status >= 500 ? "InternalError" : "BadRequest",
    };
}
