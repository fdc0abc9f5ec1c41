using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using FunctionCompute.Oss.Signing;

namespace FunctionCompute.Benchmarks;

/// <summary>
/// The cost of V4-signing a PutObject, against the irreducible part of it: the four HMAC-SHA256 of the
/// signing-key chain, the HMAC of the string to sign and one SHA-256 of a canonical request (the baseline).
/// </summary>
[MemoryDiagnoser]
public class SigningBenchmarks
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private readonly byte[] _canonical = Encoding.UTF8.GetBytes(
        "PUT\n/examplebucket/dir/hello%20world.txt\n\ncontent-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20261123T100000Z\nx-oss-security-token:CAIS0123456789\n\n\nUNSIGNED-PAYLOAD");

    [Benchmark(Baseline = true, Description = "HMAC chain + SHA-256 only")]
    public byte[] CryptoOnly()
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("aliyun_v4" + Secret), "20261123"u8);
        key = HMACSHA256.HashData(key, "cn-hangzhou"u8);
        key = HMACSHA256.HashData(key, "oss"u8);
        key = HMACSHA256.HashData(key, "aliyun_v4_request"u8);
        var hash = SHA256.HashData(_canonical);
        return HMACSHA256.HashData(key, hash);
    }

    [Benchmark(Description = "OssV4Signer.Sign (PutObject)")]
    public string Sign()
    {
        var request = new OssSigningRequest("PUT", "examplebucket", "dir/hello world.txt")
            .AddHeader("Content-Type", "text/plain")
            .AddHeader("x-oss-content-sha256", "UNSIGNED-PAYLOAD")
            .AddHeader("x-oss-date", "20261123T100000Z")
            .AddHeader("x-oss-security-token", "CAIS0123456789");
        return OssV4Signer.Sign(request, "STS.benchmark", Secret, "cn-hangzhou").Authorization;
    }
}
