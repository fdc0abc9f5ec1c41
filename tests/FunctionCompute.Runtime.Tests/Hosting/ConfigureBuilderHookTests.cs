using System.Net;
using FunctionCompute.Runtime;
using FunctionCompute.Runtime.Hosting;
using FunctionCompute.Runtime.Invocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionCompute.Runtime.Tests.Hosting;

public class ConfigureBuilderHookTests
{
    private sealed record Marker(string Value);

    [Fact]
    public void The_hook_runs_once_after_the_runtime_set_the_builder_up_and_its_changes_reach_the_app()
    {
        var calls = 0;
        var sawRuntimeServices = false;
        var builder = FunctionApp.CreateBuilder([], options =>
        {
            options.Port = 0;
            options.ListenAddress = IPAddress.Loopback;
            options.LogOutput = new MemoryStream();
            options.ConfigureBuilder = b =>
            {
                calls++;
                sawRuntimeServices = b.Services.Any(d => d.ServiceType == typeof(EventHandlerRegistry));
                b.Services.AddSingleton(new Marker("from the hook"));
            };
        });

        Assert.Equal(1, calls);
        Assert.True(sawRuntimeServices, "the hook must run after the runtime registered its services");
        using var app = builder.Build();
        Assert.Equal("from the hook", app.Services.GetRequiredService<Marker>().Value);
    }

    [Fact]
    public void Without_a_hook_the_builder_is_the_runtime_s_own()
    {
        Assert.Null(new FunctionAppOptions().ConfigureBuilder);
        using var app = FunctionApp.CreateBuilder([], o => { o.Port = 0; o.LogOutput = new MemoryStream(); }).Build();
        Assert.NotNull(app.Services.GetRequiredService<EventHandlerRegistry>());
        Assert.Null(app.Services.GetService<Marker>());
    }
}
