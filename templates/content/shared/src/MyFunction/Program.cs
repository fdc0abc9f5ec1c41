using MyFunction;

// FC starts /code/bootstrap, which execs this program: it serves FC's contract on FC_SERVER_PORT (9000) until SIGTERM.
App.Create(args).Run();
