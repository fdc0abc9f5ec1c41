using System.Net;
using BenchmarkDotNet.Attributes;
using FunctionCompute.Credentials;
using FunctionCompute.Oss;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionCompute.Benchmarks;

/// <summary>
/// A 1 KiB PutObject through loopback to a Kestrel sink, against the same PUT sent by a bare HttpClient
/// (the baseline): the ratio is what the OSS client adds (signing, headers, MD5, retry pipeline, response parsing).
/// </summary>
[MemoryDiagnoser]
public class PutObjectBenchmarks
{
    private WebApplication _sink = null!;
    private HttpClient _http = null!;
    private OssClient _oss = null!;
    private string _url = null!;
    private readonly byte[] _payload = new byte[1024];
    private readonly PutObjectOptions _options = new() { Credentials = new CloudCredentials("STS.bench", "bench-secret", "bench-token") };

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _sink = builder.Build();
        _sink.Run(async http =>
        {
            await http.Request.Body.CopyToAsync(Stream.Null);
            http.Response.Headers.ETag = "\"0\"";
            http.Response.Headers["x-oss-request-id"] = "bench";
        });
        _sink.StartAsync().GetAwaiter().GetResult();
        var address = _sink.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _url = address + "/bucket/key.txt";
        _http = new HttpClient();
        _oss = new OssClient(new OssClientOptions { Endpoint = address, Region = "cn-hangzhou", UsePathStyle = true, VerifyCrc64 = false },
            new StaticCredentialsProvider(CloudCredentials.None), _http);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _sink.StopAsync().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "HttpClient PUT 1 KiB (unsigned)")]
    public async Task<HttpStatusCode> BarePut()
    {
        using var response = await _http.PutAsync(_url, new ByteArrayContent(_payload));
        return response.StatusCode;
    }

    [Benchmark(Description = "OssClient.PutObjectAsync 1 KiB (V4-signed, STS)")]
    public async Task<string?> OssPut() => (await _oss.PutObjectAsync("bucket", "key.txt", _payload, _options)).ETag;
}
