using FunctionCompute.Testing;

namespace MyFunction.Tests;

/// <summary>
/// The whole app on the test kit's in-memory server, called exactly as FC calls it: POST /invoke with FC's headers
/// (control path, request id, handler, credentials), and POST /initialize for the initializer.
/// </summary>
public sealed class AppTests : IAsyncLifetime
{
    private FcTestServer _fc = null!;

    public async Task InitializeAsync() => _fc = await FcTestServer.StartAsync(configure => App.Create([], configure));

    public async Task DisposeAsync() => await _fc.DisposeAsync();

    [Fact]
    public async Task The_handler_greets_by_name()
    {
        var result = await _fc.InvokeAsync(App.HandlerName, new HelloEvent("Ada"), AppJson.Default.HelloEvent, AppJson.Default.HelloResult,
            new FcContextBuilder().WithRequestId("test-request"));

        Assert.Equal(new HelloResult("Hello, Ada!", "test-request"), result);
    }

    [Fact]
    public async Task The_handler_logs_in_fcs_format_under_the_request_id()
    {
        var result = await _fc.InvokeAsync(App.HandlerName, """{"name":"Grace"}""");

        result.EnsureSucceeded();
        Assert.Contains(result.Logs, line => line.Level == "INFO" && line.Message.Contains("greeting Grace"));
    }

    [Fact]
    public async Task A_bad_event_is_an_fc_error_answer()
    {
        var result = await _fc.InvokeAsync(App.HandlerName, "not json");

        result.ShouldFailWith(messageContains: "not valid JSON");
    }

    [Fact]
    public async Task The_initializer_succeeds()
    {
        var result = await _fc.InitializeAsync(new FcContextBuilder().WithFunction("my-function-name"));

        result.EnsureSucceeded();
    }
}
