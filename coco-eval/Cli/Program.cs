using CocoEval.Cli;

return CocoEvalCommand.Run(args, Console.Out, Console.Error);
