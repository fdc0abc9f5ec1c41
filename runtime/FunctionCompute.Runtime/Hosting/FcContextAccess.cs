using FunctionCompute.Runtime.Context;
using Microsoft.AspNetCore.Http;

namespace FunctionCompute.Runtime;

/// <summary>Carries the <see cref="IFcContext"/> of an HTTP request on its <see cref="HttpContext"/>.</summary>
internal interface IFcContextFeature
{
    /// <summary>The request's context.</summary>
    IFcContext Context { get; }
}

internal sealed record FcContextFeature(IFcContext Context) : IFcContextFeature;

/// <summary>Gets the FC context of a web request.</summary>
public static class HttpContextFcExtensions
{
    /// <summary>The <see cref="IFcContext"/> the runtime parsed from this request's FC headers.</summary>
    /// <exception cref="InvalidOperationException">The request did not pass through the FC runtime.</exception>
    public static IFcContext GetFcContext(this HttpContext http) =>
        http.Features.Get<IFcContextFeature>()?.Context
        ?? throw new InvalidOperationException("This request has no FC context: the app was not built with FunctionApp.CreateBuilder.");
}
