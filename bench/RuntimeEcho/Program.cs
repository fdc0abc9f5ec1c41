using FunctionCompute.Runtime.Context;
using FunctionCompute.Runtime.Hosting;

var app = FunctionApp.CreateBuilder(args).Build();
app.MapEvent("echo", (Stream input, IFcContext _) => input);
app.Run();
