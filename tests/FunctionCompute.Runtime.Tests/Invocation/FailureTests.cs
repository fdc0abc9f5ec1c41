using System.Net;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Invocation;
using FunctionCompute.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.Runtime.Tests.Invocation;

/// <summary>Each kind of failure gets the contract's error answer, and the instance keeps serving.</summary>
public class FailureTests
{
    private static void FailingApp(WebApplication app, TaskCompletionSource<bool>? cancelled = null)
    {
        app.MapEvent("echo", (Stream input, IFcContext _) => input);
        app.MapEvent("throw", Stream (Stream _, IFcContext __) => throw new InvalidOperationException("the handler broke"));
        app.MapEvent("throw-async", async Task<Stream> (Stream _, IFcContext __) =>
        {
            await Task.Yield();
            throw new FormatException("async failure");
        });
        app.MapEvent("typed", (Order order, IFcContext _) => order, TestJson.Default.Order, TestJson.Default.Order);
        app.MapEvent("ignore-timeout", async (Stream input, IFcContext _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(20));
            return input;
        });
        app.MapEvent("honour-cancellation", async (Stream input, IFcContext context) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled?.TrySetResult(true);
                throw;
            }
            return input;
        });
    }

    private static async Task AssertStillServingAsync(TestFunctionHost host)
    {
        using var response = await host.Client.SendAsync(Fc.Invoke("echo", "alive"));
        ErrorBody.AssertSucceeded(response);
        Assert.Equal("alive", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("throw", "InvalidOperationException", "the handler broke")]
    [InlineData("throw-async", "FormatException", "async failure")]
    public async Task A_handler_exception_is_a_404_with_the_error_json(string handler, string type, string message)
    {
        await using var host = await TestFunctionHost.StartAsync(app => FailingApp(app));

        using var response = await host.Client.SendAsync(Fc.Invoke(handler, "x", requestId: "err-1"));

        var error = await ErrorBody.AssertFailedAsync(response);
        Assert.Equal(type, error.ErrorType);
        Assert.Equal(message, error.ErrorMessage);
        Assert.NotEmpty(error.StackTrace);
        Assert.Contains(host.Log.Lines, line => line.Contains("err-1 [ERROR]") && line.Contains(message));
        await AssertStillServingAsync(host);
    }

    [Theory]
    [InlineData("{\"Item\": \"tea\", ")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"Item\": \"tea\", \"Quantity\": \"many\"}")]
    public async Task A_malformed_event_is_an_invalid_event_error(string body)
    {
        await using var host = await TestFunctionHost.StartAsync(app => FailingApp(app));

        using var response = await host.Client.SendAsync(Fc.Invoke("typed", body));

        var error = await ErrorBody.AssertFailedAsync(response);
        Assert.Equal(nameof(InvalidEventException), error.ErrorType);
        Assert.Contains("Order", error.ErrorMessage);
        await AssertStillServingAsync(host);
    }

    [Fact]
    public async Task A_handler_that_outlives_the_timeout_is_answered_with_a_timeout_error()
    {
        await using var host = await TestFunctionHost.StartAsync(app => FailingApp(app));

        using var response = await host.Client.SendAsync(Fc.Invoke("ignore-timeout", "x", headers: new Dictionary<string, string> { [FcHeaders.FunctionTimeout] = "1" }));

        var error = await ErrorBody.AssertFailedAsync(response);
        Assert.Equal(nameof(FunctionTimeoutException), error.ErrorType);
        Assert.Contains("1 s", error.ErrorMessage);
        Assert.Empty(error.StackTrace);
        await AssertStillServingAsync(host);
    }

    [Fact]
    public async Task The_timeout_cancels_the_handlers_token()
    {
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestFunctionHost.StartAsync(app => FailingApp(app, cancelled));

        using var response = await host.Client.SendAsync(Fc.Invoke("honour-cancellation", "x", headers: new Dictionary<string, string> { [FcHeaders.FunctionTimeout] = "1" }));

        Assert.Equal(nameof(FunctionTimeoutException), (await ErrorBody.AssertFailedAsync(response)).ErrorType);
        Assert.True(await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_caller_that_goes_away_cancels_the_handlers_token_and_the_instance_keeps_serving()
    {
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestFunctionHost.StartAsync(app => FailingApp(app, cancelled));

        using var abort = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Client.SendAsync(Fc.Invoke("honour-cancellation", "x"), abort.Token));

        Assert.True(await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await AssertStillServingAsync(host);
    }

    [Fact]
    public async Task An_unhandled_exception_in_a_web_endpoint_is_a_500_that_shows_the_caller_no_details_and_logs_them_masked()
    {
        const string secret = "web-secret-key-material-1";
        const string token = "CAIS-web-token-material-1";
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            FailingApp(app);
            app.MapGet("/boom", string (IFcContext context) => throw new ApplicationException(
                $"connection string Password=hunter2 key {context.Credentials.AccessKeySecret}", new IOException("inner detail: /srv/app/db.sqlite")));
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/boom");
        request.Headers.Add(FcHeaders.RequestId, "web-err-1");
        foreach (var (name, value) in Fc.Credentials("STS.web", secret, token)) request.Headers.Add(name, value);

        using var response = await host.Client.SendAsync(request);

        // A web caller may be anyone on the internet: the answer names the request id and nothing of the exception.
        var body = await response.Content.ReadAsStringAsync();
        var error = await ErrorBody.AssertFailedAsync(response, HttpStatusCode.InternalServerError);
        Assert.Equal("InternalServerError", error.ErrorType);
        Assert.Contains("web-err-1", error.ErrorMessage);
        Assert.Empty(error.StackTrace);
        foreach (var detail in new[] { "hunter2", "inner detail", "ApplicationException", "IOException", "FailureTests", secret, token })
            Assert.DoesNotContain(detail, body);
        // The owner finds the whole exception, frames and inner exception included, in the log under that id, masked.
        var record = Assert.Single(host.Log.Lines, line => line.Contains(" web-err-1 [ERROR] Unhandled exception in GET /boom"));
        Assert.Contains("Password=hunter2 key ***", record);
        Assert.Contains("inner detail", record);
        Assert.Contains("FailureTests", record);
        Assert.DoesNotContain(secret, host.Log.Text);
        await AssertStillServingAsync(host);
    }

    [Fact]
    public async Task A_web_request_kestrel_refuses_keeps_kestrels_status_and_reason_without_frames()
    {
        await using var host = await TestFunctionHost.StartAsync(
            app => app.MapPost("/upload", async (HttpContext http) => (await new StreamReader(http.Request.Body).ReadToEndAsync()).Length),
            options => options.MaxEventBytes = 1024);

        // Sent chunked: no declared size for the runtime to refuse up front, so Kestrel refuses it while the app reads.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = new ByteArrayContent(new byte[4096]) };
        request.Headers.TransferEncodingChunked = true;
        using var response = await host.Client.SendAsync(request);

        var error = await ErrorBody.AssertFailedAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("BadHttpRequestException", error.ErrorType);
        Assert.Contains("too large", error.ErrorMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(error.StackTrace);
    }

    [Fact]
    public async Task Secrets_in_an_exception_message_are_masked_in_the_answer_and_the_log()
    {
        const string secret = "very-secret-key-material-1";
        const string token = "CAIS-security-token-material-1";
        await using var host = await TestFunctionHost.StartAsync(app =>
            app.MapEvent("leaky", Stream (Stream _, IFcContext context) =>
                throw new InvalidOperationException($"signing with {context.Credentials.AccessKeySecret} / {context.Credentials.SecurityToken} failed")));

        using var response = await host.Client.SendAsync(Fc.Invoke("leaky", "x", headers: Fc.Credentials("STS.leaky", secret, token)));

        var body = await response.Content.ReadAsStringAsync();
        var error = await ErrorBody.AssertFailedAsync(response);
        Assert.Contains("signing with *** / *** failed", error.ErrorMessage);
        Assert.DoesNotContain(secret, body);
        Assert.DoesNotContain(token, body);
        Assert.DoesNotContain(secret, host.Log.Text);
        Assert.DoesNotContain(token, host.Log.Text);
    }
}
