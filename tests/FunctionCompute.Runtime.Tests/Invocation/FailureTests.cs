using System.Net;
using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Contract;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Invocation;
using FunctionCompute.Runtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

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
    public async Task An_unhandled_exception_in_a_web_endpoint_is_a_500_with_the_error_json()
    {
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            FailingApp(app);
            app.MapGet("/boom", string () => throw new ApplicationException("web failure"));
        });

        using var response = await host.Client.GetAsync("/boom");

        var error = await ErrorBody.AssertFailedAsync(response, HttpStatusCode.InternalServerError);
        Assert.Equal("ApplicationException", error.ErrorType);
        Assert.Equal("web failure", error.ErrorMessage);
        await AssertStillServingAsync(host);
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
