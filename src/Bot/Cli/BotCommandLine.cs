using System.CommandLine;

namespace Bot.Cli;

/// <summary>The command line: <c>run</c> (the default), <c>generate</c> and <c>check</c>.</summary>
public static class BotCommandLine
{
    public static Task<int> InvokeAsync(string[] args)
    {
        var run = new Command("run", "Serve the configured chat platforms until stopped (the default).");
        run.SetAction((_, cancellationToken) => RunAction.ExecuteAsync(cancellationToken));

        var prompt = new Argument<string>("prompt") { Description = "What the video shows, e.g. \"a red fox running through snow\"." };
        var output = new Option<FileInfo>("--out", "-o")
        {
            Description = "The MP4 file to write.",
            DefaultValueFactory = _ => new FileInfo("video.mp4"),
        };
        var seed = new Option<long?>("--seed") { Description = "The seed, for a repeatable result; the worker picks one when it is left out." };
        var generate = new Command("generate", "Make one video through the whole pipeline and write it to a file.") { prompt, output, seed };
        generate.SetAction((result, _) => GenerateAction.ExecuteAsync(result.GetValue(prompt)!, result.GetValue(output)!, result.GetValue(seed)));

        var check = new Command("check", "Check the settings, the RunPod endpoint and the Telegram token, and print what works.");
        check.SetAction((_, cancellationToken) => CheckAction.ExecuteAsync(Console.Out, cancellationToken));

        var root = new RootCommand("A chat bot that turns /generate commands into Wan2.2 videos on RunPod Serverless.")
        {
            run,
            generate,
            check,
        };
        root.SetAction((_, cancellationToken) => RunAction.ExecuteAsync(cancellationToken));

        // The host handles Ctrl+C and SIGTERM itself and lets running uploads finish; the parser's own handler
        // would end the process after a fixed two seconds.
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
