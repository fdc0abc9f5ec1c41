namespace FunctionCompute.FcLocal;

internal static class Program
{
    public static Task<int> Main(string[] args) => Cli.RunAsync(args);
}
