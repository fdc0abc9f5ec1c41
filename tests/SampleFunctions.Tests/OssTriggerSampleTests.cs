using System.Text;
using FunctionCompute.Credentials;
using FunctionCompute.Events;
using FunctionCompute.Oss;
using FunctionCompute.OssEmulator;
using FunctionCompute.Testing;
using SampleFunctions.Oss;

namespace SampleFunctions.Tests;

/// <summary>The OSS-trigger sample, through the test kit (in process, by handler name) against the local OSS.</summary>
public class OssTriggerSampleTests
{
    [Fact]
    public async Task An_uploaded_object_gets_an_uppercase_copy_under_derived_and_derived_objects_are_skipped()
    {
        var options = new OssEmulatorOptions { Region = "cn-hangzhou" };
        options.Buckets.Add("photos-bucket");
        var credential = new EmulatorCredential("STS.trigger", "trigger-secret-value", "CAIS-trigger-token");
        options.Credentials.Add(credential);
        await using var oss = await OssEmulatorServer.StartAsync(options);
        var uploader = new OssClient(new OssClientOptions { Endpoint = oss.Endpoint, Region = "cn-hangzhou" },
            new StaticCredentialsProvider(new CloudCredentials(credential.AccessKeyId, credential.AccessKeySecret, credential.SecurityToken)));
        await uploader.PutObjectAsync("photos-bucket", "uploads/hello.txt", Encoding.UTF8.GetBytes("hello, oss trigger"));
        // The sample reads OSS_ENDPOINT to reach a local OSS (on FC it uses the region's internal endpoint).
        Environment.SetEnvironmentVariable("OSS_ENDPOINT", oss.Endpoint);

        await using var fc = FcTestApp.Create(configure => SampleApp.Create([], configure));
        var notification = new OssEvent
        {
            Events =
            [
                new OssEventRecord
                {
                    EventName = "ObjectCreated:PutObject", EventSource = "acs:oss", Region = "cn-hangzhou",
                    Oss = new OssEventDetail { Bucket = new OssBucket { Name = "photos-bucket" }, Object = new OssObject { Key = "uploads/hello.txt", Size = 18 } },
                },
                new OssEventRecord
                {
                    EventName = "ObjectCreated:PutObject", Region = "cn-hangzhou",
                    Oss = new OssEventDetail { Bucket = new OssBucket { Name = "photos-bucket" }, Object = new OssObject { Key = "derived/x.txt" } },
                },
            ],
        };
        var credentials = new FcContextBuilder().WithCredentials(credential.AccessKeyId, credential.AccessKeySecret, credential.SecurityToken);

        var result = await fc.InvokeAsync("oss-uppercase-on-upload", notification, FcEventsJson.Default.OssEvent, SampleJson.Default.OssTriggerResult, credentials);

        Assert.Equal(["derived/uploads/hello.txt"], result.Written);
        Assert.Single(result.Skipped);
        Assert.Equal("HELLO, OSS TRIGGER", Encoding.UTF8.GetString(oss.Objects.ReadAllBytes("photos-bucket", "derived/uploads/hello.txt")));
        Assert.Equal("STS.trigger", oss.Objects.Get("photos-bucket", "derived/uploads/hello.txt")!.WrittenBy);
        Assert.Contains(fc.Log.Lines, l => l.Message.StartsWith("derived oss://photos-bucket/derived/uploads/hello.txt"));
        Assert.DoesNotContain("trigger-secret-value", fc.Log.Text);

        (await fc.InvokeAsync("oss-uppercase-on-upload", "{}", new FcContextBuilder())).ShouldFailWith("InvalidEventException");
        (await fc.InvokeJsonAsync("oss-uppercase-on-upload", notification, FcEventsJson.Default.OssEvent, new FcContextBuilder().WithoutCredentials()))
            .ShouldFailWith("MissingCredentialsException");
    }
}
