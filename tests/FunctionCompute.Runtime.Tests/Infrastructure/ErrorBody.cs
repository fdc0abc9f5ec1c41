using System.Net;
using System.Text.Json;
using FunctionCompute.Runtime.Contract;

namespace FunctionCompute.Runtime.Tests.Infrastructure;

/// <summary>Reads and checks the contract's error answer.</summary>
public static class ErrorBody
{
    public static async Task<ErrorResponse> AssertFailedAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.NotFound)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("404", Assert.Single(response.Headers.GetValues(FcHeaders.Status)));
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        Assert.Equal(JsonValueKind.String, root.GetProperty("errorMessage").ValueKind);
        Assert.Equal(JsonValueKind.String, root.GetProperty("errorType").ValueKind);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("stackTrace").ValueKind);
        return new ErrorResponse(
            root.GetProperty("errorMessage").GetString()!,
            root.GetProperty("errorType").GetString()!,
            root.GetProperty("stackTrace").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    public static void AssertSucceeded(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("200", Assert.Single(response.Headers.GetValues(FcHeaders.Status)));
    }
}
