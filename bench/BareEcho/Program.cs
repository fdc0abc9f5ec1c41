using System.Net;

var port = int.TryParse(Environment.GetEnvironmentVariable("FC_SERVER_PORT"), out var p) ? p : 9000;
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Any, port);
    kestrel.Limits.MaxRequestBodySize = 32 * 1024 * 1024;
});
var app = builder.Build();
app.MapGet("/", () => "ready");
app.MapPost("/invoke", async (HttpContext http) =>
{
    var body = new MemoryStream();
    await http.Request.Body.CopyToAsync(body);
    http.Response.ContentType = "application/octet-stream";
    http.Response.ContentLength = body.Length;
    await http.Response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length));
});
app.Run();
