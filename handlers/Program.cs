using SampleFunctions;

// FC starts /code/bootstrap, which execs this program: serve the contract until SIGTERM.
try
{
    SampleApp.Create(args).Run();
    return 0;
}
catch (Exception exception) when (exception is InvalidOperationException or IOException)
{
    // Bad configuration (a malformed port variable) or a port already taken: say so plainly, exit non-zero.
    Console.Error.WriteLine($"FC runtime failed to start: {exception.Message}");
    return 1;
}
