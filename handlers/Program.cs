using SampleFunctions;

// FC starts /code/bootstrap, which execs this program: serve the contract until SIGTERM.
SampleApp.Create(args).Run();
