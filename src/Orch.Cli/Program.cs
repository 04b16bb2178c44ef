using Orch.Cli;

return await OrchCli.RunAsync(args, Console.Out, Console.Error);
