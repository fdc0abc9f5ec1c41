using System.Text;
using FunctionCompute.Credentials;
using FunctionCompute.Oss.Http;
using FunctionCompute.StandIns;

namespace FunctionCompute.Oss.Tests;

/// <summary>
/// Security issue #13: what the client reads from OSS is bounded while it is read, against real loopback servers that
/// stream bodies lazily (nothing of their length is allocated) and count what they managed to send.
/// </summary>
public class ResponseLimitTests
{
    // What may be in flight past the point where the client stops reading: the server's send buffer, the client's
    // socket and HTTP read buffers, and the drain (up to 1 MiB) SocketsHttpHandler attempts before closing a
    // connection whose response was disposed unread. Observed: about 1 MB over the limit. Far below the bodies sent
    // here (64 MiB, 400 MB), which the client used to read whole.
    private const long Margin = 4L * 1024 * 1024;

    // Long enough that a client reading it whole fails every bound below, short enough not to hurt the machine if
    // it does; the 400 MB answer is only used where the client must refuse it from its Content-Length.
    private const long EndlessBytes = 64L * 1024 * 1024;

    private static readonly CancellationToken Guard = new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    private static OssClient ClientFor(HostileHttpServer server, int maxRetries = 0) =>
        new(new OssClientOptions { Endpoint = server.BaseAddress.ToString().TrimEnd('/'), Region = "cn-hangzhou", UsePathStyle = true, MaxRetries = maxRetries },
            new StaticCredentialsProvider(new CloudCredentials("LTAI5tTestKeyId", "TestSecret123")));

    private const string ListingStart = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>examplebucket</Name>";

    private static string Entry() => "<Contents><Key>" + new string('k', 1000) + "</Key><Size>1</Size></Contents>";

    [Fact]
    public async Task Endless_listing_fails_with_the_size_limit_and_the_client_stops_reading()
    {
        await using var server = HostileHttpServer.Start((_, response) =>
            response.WriteBodyAsync(200, HostileResponse.Repeat(ListingStart, Entry(), EndlessBytes), headers: ("Content-Type", "application/xml")));

        // Retries allowed: an oversized answer is not transient, so one attempt only.
        var e = await Assert.ThrowsAsync<OssException>(() => ClientFor(server, maxRetries: 2).ListObjectsV2Async("examplebucket"));

        Assert.Equal(OssResponseLimits.ResponseTooLarge, e.Code);
        Assert.Contains("8 MiB", e.Message, StringComparison.Ordinal);
        var outcome = await server.FirstBody.Task.WaitAsync(Guard);
        Assert.True(outcome.ClientClosed, "the client kept the connection open");
        Assert.InRange(outcome.BytesWritten, OssResponseLimits.MaxXmlBytes, OssResponseLimits.MaxXmlBytes + Margin);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task Endless_multipart_answer_fails_with_the_size_limit_and_the_client_stops_reading()
    {
        await using var server = HostileHttpServer.Start((_, response) => response.WriteBodyAsync(200,
            HostileResponse.Repeat("<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult><UploadId>", "0123456789ABCDEF", EndlessBytes),
            headers: ("Content-Type", "application/xml")));

        var e = await Assert.ThrowsAsync<OssException>(() => ClientFor(server).InitiateMultipartUploadAsync("examplebucket", "big.bin"));

        Assert.Equal(OssResponseLimits.ResponseTooLarge, e.Code);
        var outcome = await server.FirstBody.Task.WaitAsync(Guard);
        Assert.True(outcome.ClientClosed);
        Assert.InRange(outcome.BytesWritten, OssResponseLimits.MaxXmlBytes, OssResponseLimits.MaxXmlBytes + Margin);
    }

    [Fact]
    public async Task Listing_declared_at_400_MB_is_refused_from_its_length()
    {
        const long declared = 400L * 1000 * 1000;
        await using var server = HostileHttpServer.Start((_, response) =>
            response.WriteBodyAsync(200, HostileResponse.Repeat(ListingStart, Entry(), declared), contentLength: declared, headers: ("Content-Type", "application/xml")));

        var e = await Assert.ThrowsAsync<OssException>(() => ClientFor(server).ListObjectsV2Async("examplebucket"));

        Assert.Equal(OssResponseLimits.ResponseTooLarge, e.Code);
        var outcome = await server.FirstBody.Task.WaitAsync(Guard);
        Assert.True(outcome.ClientClosed);
        Assert.InRange(outcome.BytesWritten, 0, Margin);
    }

    [Fact]
    public async Task Endless_error_body_is_cut_to_an_excerpt_and_the_client_stops_reading()
    {
        await using var server = HostileHttpServer.Start((_, response) =>
            response.WriteBodyAsync(503, HostileResponse.Repeat("<html><body>", "<p>proxy error page</p>", EndlessBytes), headers: ("Content-Type", "text/html")));

        var e = await Assert.ThrowsAsync<OssException>(() => ClientFor(server).ListObjectsV2Async("examplebucket"));

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Equal("BadErrorResponse", e.Code);
        var outcome = await server.FirstBody.Task.WaitAsync(Guard);
        Assert.True(outcome.ClientClosed);
        Assert.InRange(outcome.BytesWritten, OssResponseLimits.MaxErrorBodyBytes, OssResponseLimits.MaxErrorBodyBytes + Margin);
    }

    // 2.6 MB of nesting kept a core busy for minutes in XElement (quadratic); the depth bound ends it at level 32.
    private static readonly string DeepDocument = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult>"
        + new StringBuilder().Insert(0, "<a>", 2_600_000 / 3);

    [Fact]
    public async Task Deeply_nested_listing_fails_with_the_depth_limit()
    {
        await using var server = HostileHttpServer.Start((_, response) => response.WriteAsync(200, DeepDocument, ("Content-Type", "application/xml")));

        var e = await Assert.ThrowsAsync<OssException>(() => ClientFor(server).ListObjectsV2Async("examplebucket"));

        Assert.Equal(OssResponseLimits.ResponseTooDeep, e.Code);
        Assert.Contains("deeper than 32 levels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deeply_nested_error_document_is_a_typed_error_naming_the_depth_limit()
    {
        var deepError = "<Error><Code>AccessDenied</Code><Detail>" + new StringBuilder().Insert(0, "<a>", 20_000);
        await using var server = HostileHttpServer.Start((_, response) => response.WriteAsync(403, deepError, ("Content-Type", "application/xml")));

        var e = await Assert.ThrowsAsync<OssException>(() => ClientFor(server).ListObjectsV2Async("examplebucket"));

        Assert.Equal("BadErrorResponse", e.Code);
        Assert.Contains("deeper than 32 levels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_of_too_many_elements_fails_with_the_element_limit()
    {
        // Small in bytes (well under 8 MiB), huge in nodes: each empty element would be an object in the parsed tree.
        var document = ListingStart + new StringBuilder().Insert(0, "<a/>", OssResponseLimits.MaxXmlElements + 1) + "</ListBucketResult>";
        await using var server = HostileHttpServer.Start((_, response) => response.WriteAsync(200, document, ("Content-Type", "application/xml")));

        var e = await Assert.ThrowsAsync<OssException>(() => ClientFor(server).ListObjectsV2Async("examplebucket"));

        Assert.Equal(OssResponseLimits.ResponseTooLarge, e.Code);
        Assert.Contains("100000 elements", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelled_listing_stops_reading_and_closes_the_connection()
    {
        await using var server = HostileHttpServer.Start((_, response) =>
            response.WriteBodyAsync(200, HostileResponse.Repeat(ListingStart, Entry(), EndlessBytes), pause: TimeSpan.FromMilliseconds(5),
                headers: ("Content-Type", "application/xml")));
        server.SignalAfterBodyBytes = 64 * 1024;
        using var cancel = new CancellationTokenSource();

        var listing = ClientFor(server).ListObjectsV2Async("examplebucket", cancellationToken: cancel.Token);
        await server.BodyBytesReached.Task.WaitAsync(Guard);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listing);
        var outcome = await server.FirstBody.Task.WaitAsync(Guard);
        Assert.True(outcome.ClientClosed);
        Assert.True(outcome.BytesWritten < EndlessBytes);
    }

    [Fact]
    public async Task Listing_at_the_largest_legitimate_size_still_parses()
    {
        // 1,000 keys of 1,023 bytes, every byte URL-encoded (%XX): the worst case the 8 MiB bound is sized for.
        var key = string.Concat(Enumerable.Repeat("%E2", 1023));
        var document = new StringBuilder(ListingStart).Append("<EncodingType>url</EncodingType><KeyCount>1000</KeyCount>");
        for (var i = 0; i < 1000; i++)
        {
            document.Append("<Contents><Key>").Append(key).Append("</Key><LastModified>2026-11-23T10:00:00.000Z</LastModified>")
                .Append("<ETag>\"5B3C1A2E053D763E1B002CC607C5A0FE1B002CC607C5A0FE\"</ETag><Type>Normal</Type><Size>1234567890</Size>")
                .Append("<StorageClass>Standard</StorageClass><Owner><ID>1234567890123456</ID><DisplayName>1234567890123456</DisplayName></Owner></Contents>");
        }

        var body = document.Append("</ListBucketResult>").ToString();
        await using var server = HostileHttpServer.Start((_, response) => response.WriteAsync(200, body, ("Content-Type", "application/xml")));

        var page = await ClientFor(server).ListObjectsV2Async("examplebucket");

        Assert.Equal(1000, page.Objects.Count);
        Assert.Equal("1234567890123456", page.Objects[999].OwnerId);
    }
}
