using FunctionCompute.Runtime;

var app = FunctionApp.CreateBuilder(args).Build();
app.MapEvent("echo", (Stream input, IFcContext _) => input);
app.Run();
