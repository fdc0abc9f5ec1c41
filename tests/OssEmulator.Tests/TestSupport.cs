using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using FunctionCompute.Credentials;
using FunctionCompute.Oss;
using FunctionCompute.Oss.Addressing;
using FunctionCompute.Oss.Integrity;
using FunctionCompute.Oss.Signing;

namespace FunctionCompute.OssEmulator.Tests;

internal static class TestEnv
{
    public const string Bucket = "test-bucket";
    public const string OtherBucket = "other-bucket";
    public const string Region = "cn-hangzhou";
    public static readonly CloudCredentials Main = new("AKID-main", "main-secret-value");
    public static readonly CloudCredentials Sts = new("STS.sts-key", "sts-secret-value", "sts-token-value-1");
    public static readonly CloudCredentials Sts2 = new("STS.second", "second-secret-value", "sts-token-value-2");
    public static readonly CloudCredentials Expired = new("STS.expired", "expired-secret-value", "sts-token-expired");

    public static readonly HttpClient Http = new(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None, UseCookies = false })
    {
        Timeout = TimeSpan.FromMinutes(2),
    };

    public static OssEmulatorOptions Options()
    {
        var o = new OssEmulatorOptions();
        o.Buckets.Add(Bucket);
        o.Buckets.Add(OtherBucket);
        o.Credentials.Add(new EmulatorCredential(Main.AccessKeyId, Main.AccessKeySecret));
        o.Credentials.Add(new EmulatorCredential(Sts.AccessKeyId, Sts.AccessKeySecret, Sts.SecurityToken, DateTimeOffset.UtcNow.AddHours(1)));
        o.Credentials.Add(new EmulatorCredential(Sts2.AccessKeyId, Sts2.AccessKeySecret, Sts2.SecurityToken, DateTimeOffset.UtcNow.AddHours(1)));
        o.Credentials.Add(new EmulatorCredential(Expired.AccessKeyId, Expired.AccessKeySecret, Expired.SecurityToken, DateTimeOffset.UtcNow.AddMinutes(-1)));
        return o;
    }

    public static Task<OssEmulatorServer> StartAsync(Action<OssEmulatorOptions>? configure = null)
    {
        var o = Options();
        configure?.Invoke(o);
        return OssEmulatorServer.StartAsync(o);
    }

    public static OssClient Client(OssEmulatorServer emu, CloudCredentials? credentials = null, Action<OssClientOptions>? configure = null)
    {
        var options = new OssClientOptions
        {
            Endpoint = emu.Endpoint,
            Region = Region,
            UsePathStyle = true,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            RetryMaxDelay = TimeSpan.FromMilliseconds(50),
            RequestTimeout = TimeSpan.FromSeconds(60),
        };
        configure?.Invoke(options);
        return new OssClient(options, new StaticCredentialsProvider(credentials ?? Main));
    }

    public static async Task<byte[]> ReadAllAsync(this GetObjectResult result)
    {
        using var ms = new MemoryStream();
        await result.Content.CopyToAsync(ms);
        return ms.ToArray();
    }

    public static byte[] Bytes(int length, int seed = 1)
    {
        var b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }

    public static string Md5ETag(byte[] data) => "\"" + Convert.ToHexString(MD5.HashData(data)) + "\"";

    public static ulong Crc(byte[] data) => Crc64Ecma.Compute(data);

    /// <summary>
    /// A hand-signed request, so tests can send what the client never would (no or tampered signatures,
    /// wrong dates, bad digests) while everything else stays valid.
    /// </summary>
    public static async Task<HttpResponseMessage> SendRawAsync(OssEmulatorServer emu, string method, string? bucket, string? key,
        IEnumerable<KeyValuePair<string, string?>>? query = null, IEnumerable<KeyValuePair<string, string>>? headers = null, byte[]? body = null,
        CloudCredentials? credentials = null, bool sign = true, DateTimeOffset? time = null, string region = Region,
        Action<HttpRequestMessage>? tamper = null, IEnumerable<KeyValuePair<string, string>>? afterSignHeaders = null)
    {
        credentials ??= Main;
        var q = query?.ToList() ?? [];
        var signing = new OssSigningRequest(method, bucket, key);
        signing.Query.AddRange(q);
        signing.AddHeader("x-oss-date", OssV4Signer.FormatDateTime(time ?? DateTimeOffset.UtcNow));
        signing.AddHeader("x-oss-content-sha256", OssV4Signer.UnsignedPayload);
        if (credentials.SecurityToken is { } token) signing.AddHeader("x-oss-security-token", token);
        foreach (var h in headers ?? []) signing.AddHeader(h.Key, h.Value);

        var message = new HttpRequestMessage(new HttpMethod(method), OssUrlBuilder.Build(OssEndpoint.Parse(emu.Endpoint), bucket, key, q, pathStyle: true));
        if (body is not null || method is "PUT" or "POST") message.Content = new ByteArrayContent(body ?? []);
        if (sign)
        {
            message.Headers.TryAddWithoutValidation("Authorization", OssV4Signer.Sign(signing, credentials.AccessKeyId, credentials.AccessKeySecret, region).Authorization);
        }

        var final = signing.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        foreach (var h in afterSignHeaders ?? []) final[h.Key] = h.Value;
        foreach (var (name, value) in final)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content ??= new ByteArrayContent([]);
                Assert.True(message.Content.Headers.TryAddWithoutValidation(name, value), $"header {name}");
            }
        }

        tamper?.Invoke(message);
        return await Http.SendAsync(message);
    }

    public static async Task<XElement> ErrorXmlAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var root = XElement.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Error", root.Name.LocalName);
        Assert.False(string.IsNullOrEmpty(root.Element("RequestId")?.Value));
        Assert.Equal(root.Element("RequestId")!.Value, Header(response, "x-oss-request-id"));
        return root;
    }

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var v) ? v.First() : response.Content.Headers.TryGetValues(name, out var c) ? c.First() : null;

    public static void AssertOssError(OssException e, int status, string code)
    {
        Assert.Equal(code, e.Code);
        Assert.Equal(status, (int)e.StatusCode);
        Assert.False(string.IsNullOrEmpty(e.RequestId), "RequestId must be set");
    }

    public static async Task<OssException> AssertFailsAsync(Func<Task> action, int status, string code)
    {
        var e = await Assert.ThrowsAsync<OssException>(action);
        AssertOssError(e, status, code);
        return e;
    }

    public static KeyValuePair<string, string> H(string name, string value) => new(name, value);

    public static KeyValuePair<string, string?> Q(string name, string? value = null) => new(name, value);
}

/// <summary>A clock shifted from the real one.</summary>
internal sealed class OffsetTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
}

/// <summary>
/// A non-seekable stream of deterministic pseudo-random bytes generated on the fly (nothing is held in memory),
/// hashing what it hands out so the test knows the expected SHA-256 and CRC-64 without storing the data.
/// </summary>
internal sealed class GeneratedStream(long length, ulong seed = 0x9E3779B97F4A7C15UL) : Stream
{
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _position;
    private ulong _state = seed;

    public ulong Crc64 { get; private set; }

    public byte[] Sha256() => _sha.GetCurrentHash();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        for (var i = 0; i + 8 <= n; i += 8)
        {
            _state ^= _state << 13;
            _state ^= _state >> 7;
            _state ^= _state << 17;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(buffer[i..], _state);
        }

        for (var i = n & ~7; i < n; i++) buffer[i] = (byte)(_position + i); // tail of a read that is not a multiple of 8
        var produced = buffer[..n];
        _sha.AppendData(produced);
        Crc64 = Crc64Ecma.Compute(produced, Crc64);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _sha.Dispose();
        base.Dispose(disposing);
    }
}
