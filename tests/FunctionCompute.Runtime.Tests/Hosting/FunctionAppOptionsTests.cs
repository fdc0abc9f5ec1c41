using System.Net;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Tests.Infrastructure;
using FunctionCompute.Tests.Shared;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FunctionCompute.Runtime.Tests.Hosting;

public class FunctionAppOptionsTests
{
    private static FunctionAppOptions From(params (string Name, string Value)[] variables) =>
        FunctionAppOptions.FromEnvironment(name => variables.FirstOrDefault(v => v.Name == name).Value);

    [Fact]
    public void The_port_is_fc_custom_listen_port_then_fc_server_port_then_9000()
    {
        Assert.Equal(9000, From().Port);
        Assert.Equal(8123, From(("FC_SERVER_PORT", "8123")).Port);
        Assert.Equal(7001, From(("FC_SERVER_PORT", "8123"), ("FC_CUSTOM_LISTEN_PORT", "7001")).Port);
        Assert.Equal(IPAddress.Any, From().ListenAddress);
    }

    [Theory]
    [InlineData("FC_SERVER_PORT", "nine")]
    [InlineData("FC_SERVER_PORT", "70000")]
    [InlineData("FC_CUSTOM_LISTEN_PORT", "-1")]
    public void A_malformed_port_is_a_clear_start_up_error(string name, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => From((name, value)));
        Assert.Contains(name, error.Message);
        Assert.Contains(value, error.Message);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData(" 127.0.0.1 ")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("::")]
    public void The_listen_address_comes_from_FunctionCompute__ListenAddress(string value)
    {
        Assert.Equal("FunctionCompute__ListenAddress", FunctionAppOptions.ListenAddressVariable);
        Assert.Equal(IPAddress.Parse(value.Trim()), From((FunctionAppOptions.ListenAddressVariable, value)).ListenAddress);
        Assert.Equal(IPAddress.Any, From((FunctionAppOptions.ListenAddressVariable, "")).ListenAddress);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.1")]
    [InlineData("1")]
    [InlineData("300.0.0.1")]
    [InlineData("loopback")]
    public void A_malformed_listen_address_is_a_clear_start_up_error(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => From((FunctionAppOptions.ListenAddressVariable, value)));
        Assert.Contains(FunctionAppOptions.ListenAddressVariable, error.Message);
        Assert.Contains($"'{value}'", error.Message);
    }

    /// <summary>
    /// Where Kestrel really listens, read from the kernel's socket table: no traffic is sent to find out, so the
    /// 0.0.0.0 case never touches an address other than loopback.
    /// </summary>
    [Theory]
    [InlineData(null, "0.0.0.0")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    public async Task Kestrel_listens_where_the_setting_says(string? variable, string expected)
    {
        var fromEnvironment = From(variable is null ? [] : [(FunctionAppOptions.ListenAddressVariable, variable)]);
        await using var host = await TestFunctionHost.StartAsync(_ => { }, options => options.ListenAddress = fromEnvironment.ListenAddress);

        Assert.Equal(IPAddress.Parse(expected), Assert.Single(ListeningSockets.On(host.Address.Port)));
        Assert.Contains(host.Log.Lines, line => line.Contains($"FC runtime listening on http://{expected}:{host.Address.Port}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kestrel_keeps_idle_connections_at_least_15_minutes_and_shutdown_is_bounded()
    {
        await using var host = await TestFunctionHost.StartAsync(_ => { });
        var kestrel = host.App.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;
        Assert.True(kestrel.Limits.KeepAliveTimeout >= TimeSpan.FromMinutes(15));
        Assert.Null(kestrel.Limits.MaxRequestBodySize);
        var hostOptions = host.App.Services.GetRequiredService<IOptions<HostOptions>>().Value;
        Assert.Equal(new FunctionAppOptions().ShutdownTimeout, hostOptions.ShutdownTimeout);
    }

    [Fact]
    public async Task Start_up_says_where_it_listens_and_which_handlers_it_has()
    {
        await using var host = await TestFunctionHost.StartAsync(app =>
        {
            app.MapEvent("b-handler", (Stream s, FunctionCompute.Runtime.IFcContext _) => s);
            app.MapEvent("a-handler", (Stream s, FunctionCompute.Runtime.IFcContext _) => s);
        });
        Assert.Contains(host.Log.Lines, line => line.Contains("[INFO] FC runtime listening on http://127.0.0.1:") && line.EndsWith("event handlers: a-handler, b-handler"));
    }
}
