using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace FunctionCompute.Events.Tests;

public class EventModelTests
{
    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    /// <summary>Reads the sample, writes it back, and checks that nothing was lost or renamed on the way.</summary>
    private static T RoundTrip<T>(string file, JsonTypeInfo<T> type)
    {
        var json = Sample(file);
        var value = JsonSerializer.Deserialize(json, type)!;
        var written = JsonSerializer.Serialize(value, type);
        var expected = JsonNode.Parse(json);
        var actual = JsonNode.Parse(written);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{file} did not survive a round trip:\nexpected {expected?.ToJsonString()}\nactual   {actual?.ToJsonString()}");
        // Lists, dictionaries and JsonElement compare by reference in records: compare the second writing instead.
        Assert.Equal(written, JsonSerializer.Serialize(JsonSerializer.Deserialize(written, type)!, type));
        return value;
    }

    [Fact]
    public void Oss_event_reads_every_documented_field_and_round_trips()
    {
        var e = RoundTrip("oss.json", FcEventsJson.Default.OssEvent);
        var record = Assert.Single(e.Events);
        Assert.Equal("ObjectCreated:PutObject", record.EventName);
        Assert.True(record.IsObjectCreated);
        Assert.False(record.IsObjectRemoved);
        Assert.Equal("acs:oss", record.EventSource);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 15, 30, TimeSpan.Zero), record.EventTimeUtc);
        Assert.Equal("cn-hangzhou", record.Region);
        Assert.Equal("photos-bucket", record.Oss!.Bucket!.Name);
        Assert.Equal("acs:oss:cn-hangzhou:1234567890123456:photos-bucket", record.Oss.Bucket.Arn);
        Assert.Equal("uploads/2026/hello world.txt", record.Oss.Object!.Key);
        Assert.Equal(2048, record.Oss.Object.Size);
        Assert.Equal("5EB63BBBE01EEED093CB22BB8F5ACDC3", record.Oss.Object.ETag);
        Assert.Equal("1234567890123456", record.UserIdentity!.PrincipalId);
        Assert.Equal("203.0.113.7", record.RequestParameters!.SourceIPAddress);
        Assert.Equal("6551A8C3F0E1B2A3C4D5E6F7", record.ResponseElements!.RequestId);
    }

    [Fact]
    public void An_oss_event_without_events_has_an_empty_list()
    {
        Assert.Empty(JsonSerializer.Deserialize("{}", FcEventsJson.Default.OssEvent)!.Events);
        Assert.Empty(JsonSerializer.Deserialize("""{"events":null}""", FcEventsJson.Default.OssEvent)!.Events);
    }

    [Fact]
    public void Timer_event_round_trips_and_parses_its_time()
    {
        var e = RoundTrip("timer.json", FcEventsJson.Default.TimerEvent);
        Assert.Equal("nightly-report", e.TriggerName);
        Assert.Equal("{\"report\":\"daily\"}", e.Payload);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 7, 49, 0, TimeSpan.Zero), e.TriggerTimeUtc);
        Assert.Null(new TimerEvent { TriggerTime = "yesterday-ish" }.TriggerTimeUtc);
    }

    [Fact]
    public void Http_trigger_event_round_trips_and_decodes_a_base64_body()
    {
        var e = RoundTrip("http.json", FcEventsJson.Default.HttpTriggerEvent);
        Assert.Equal("v1", e.Version);
        Assert.Equal("/orders/42", e.RawPath);
        Assert.True(e.IsBase64Encoded);
        Assert.Equal("{\"quantity\":3}", e.GetBodyText());
        Assert.Equal("{\"quantity\":3}"u8.ToArray(), e.GetBodyBytes());
        Assert.Equal("application/json", e.GetHeader("content-type"));
        Assert.Null(e.GetHeader("x-missing"));
        Assert.Equal("items,customer", e.QueryParameters!["expand"]);
        Assert.Equal("POST", e.RequestContext!.Http!.Method);
        Assert.Equal("203.0.113.9", e.RequestContext.Http.SourceIp);
        Assert.Equal("orders-abcdefghij", e.RequestContext.DomainPrefix);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795428930123), e.RequestContext.TimeEpochUtc);
    }

    [Fact]
    public void Http_trigger_text_body_is_used_as_is()
    {
        var e = new HttpTriggerEvent { Body = "aGk=", IsBase64Encoded = false };
        Assert.Equal("aGk=", e.GetBodyText());
        Assert.Empty(new HttpTriggerEvent().GetBodyBytes());
        Assert.Throws<FormatException>(() => new HttpTriggerEvent { Body = "not base64!", IsBase64Encoded = true }.GetBodyBytes());
    }

    [Fact]
    public void Http_trigger_response_round_trips_and_its_helpers_write_the_documented_shape()
    {
        var r = RoundTrip("http-response.json", FcEventsJson.Default.HttpTriggerResponse);
        Assert.Equal(201, r.StatusCode);
        Assert.Equal("/orders/42", r.Headers!["Location"]);

        var binary = JsonNode.Parse(JsonSerializer.Serialize(HttpTriggerResponse.Binary([1, 2, 3], "image/png"), FcEventsJson.Default.HttpTriggerResponse))!;
        Assert.Equal(200, (int)binary["statusCode"]!);
        Assert.True((bool)binary["isBase64Encoded"]!);
        Assert.Equal("AQID", (string)binary["body"]!);
        Assert.Equal("image/png", (string)binary["headers"]!["Content-Type"]!);
        Assert.Equal("hi", HttpTriggerResponse.Text("hi", 404).Body);
    }

    [Fact]
    public void Sls_event_round_trips_with_its_parameter_kept_as_json()
    {
        var e = RoundTrip("sls.json", FcEventsJson.Default.SlsEvent);
        Assert.Equal("shop-logs", e.Source!.ProjectName);
        Assert.Equal("access", e.Source.LogstoreName);
        Assert.Equal(3, e.Source.ShardId);
        Assert.Equal("MTY5OTk5OTk5OTk5OTk5OTk5OQ==", e.Source.BeginCursor);
        Assert.Equal(1795428930, e.CursorTime);
        Assert.Equal("cleaned", e.Parameter!.Value.GetProperty("targetLogstore").GetString());
    }

    [Fact]
    public void Mns_topic_event_reads_pascal_case_fields_and_round_trips()
    {
        var e = RoundTrip("mns.json", FcEventsJson.Default.MnsTopicEvent);
        Assert.Equal("order 42 shipped", e.Message);
        Assert.Equal("orders", e.TopicName);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795428930123), e.PublishTimeUtc);
        // camelCase would be a different event: the names are exact.
        Assert.Null(JsonSerializer.Deserialize("{\"message\":\"x\"}", FcEventsJson.Default.MnsTopicEvent)!.Message);
    }

    [Fact]
    public void CloudEvent_round_trips_and_reads_its_data_as_a_typed_event()
    {
        var e = RoundTrip("cloudevent.json", FcEventsJson.Default.CloudEvent);
        Assert.Equal("1.0", e.SpecVersion);
        Assert.Equal("oss:ObjectCreated:PutObject", e.Type);
        Assert.Equal("default", e.AliyunEventBusName);
        Assert.Equal("1234567890123456", e.AliyunAccountId);
        var data = e.GetData(FcEventsJson.Default.OssEventRecord)!;
        Assert.Equal("uploads/cat.png", data.Oss!.Object!.Key);
        Assert.Equal(512, data.Oss.Object.Size);
    }

    [Fact]
    public void CloudEvent_binary_and_string_data_come_out_as_bytes()
    {
        Assert.Equal([1, 2, 3], new CloudEvent { DataBase64 = "AQID" }.GetDataBytes());
        var text = JsonSerializer.Deserialize("{\"data\":\"hello\"}", FcEventsJson.Default.CloudEvent)!;
        Assert.Equal("hello", Encoding.UTF8.GetString(text.GetDataBytes()));
        Assert.Empty(new CloudEvent().GetDataBytes());
        Assert.Null(new CloudEvent().GetData(FcEventsJson.Default.TimerEvent));
    }
}
