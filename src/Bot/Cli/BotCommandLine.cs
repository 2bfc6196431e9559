using System.CommandLine;

namespace Bot.Cli;

/// <summary>The command line: <c>run</c> (the default), <c>generate</c> and <c>check</c>.</summary>
public static class BotCommandLine
{
    public static Task<int> InvokeAsync(string[] args)
    {
        var run = new Command("run", "Serve the configured chat platforms until stopped (the default).");
        run.SetAction((_, cancellationToken) => GuardAsync(() => RunAction.ExecuteAsync(cancellationToken)));

        var prompt = new Argument<string>("prompt") { Description = "What the video shows, e.g. \"a red fox running through snow\"." };
        var output = new Option<FileInfo>("--out", "-o")
        {
            Description = "The MP4 file to write.",
            DefaultValueFactory = _ => new FileInfo("video.mp4"),
        };
        var seed = new Option<long?>("--seed")
        {
            Description = "The seed, a whole number from 0 to 9223372036854775807, for a repeatable result; the worker picks one when it is left out.",
            CustomParser = ParseSeed,
        };
        var generate = new Command("generate", "Make one video through the whole pipeline and write it to a file.") { prompt, output, seed };
        generate.SetAction((result, _) => GuardAsync(() => GenerateAction.ExecuteAsync(result.GetValue(prompt)!, result.GetValue(output)!, result.GetValue(seed))));

        var check = new Command("check", "Check the settings, the RunPod endpoint and the Telegram token, and print what works.");
        check.SetAction((_, cancellationToken) => GuardAsync(() => CheckAction.ExecuteAsync(Console.Out, cancellationToken)));

        var root = new RootCommand("A chat bot that turns /generate commands into Wan2.2 videos on RunPod Serverless.")
        {
            run,
            generate,
            check,
        };
        root.SetAction((_, cancellationToken) => GuardAsync(() => RunAction.ExecuteAsync(cancellationToken)));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            return Task.FromResult(PrintParseErrors(parsed, generate));
        }

        // The host handles Ctrl+C and SIGTERM itself and lets running uploads finish; the parser's own handler
        // would end the process after a fixed two seconds.
        return parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static int PrintParseErrors(ParseResult parsed, Command generate)
    {
        foreach (var error in parsed.Errors)
        {
            Console.Error.WriteLine(error.Message);
        }

        if (parsed.CommandResult.Command == generate && parsed.UnmatchedTokens.Count > 0)
        {
            Console.Error.WriteLine("Put the prompt in quotes, for example: generate \"a red fox running through snow\"");
        }

        Console.Error.WriteLine("Run the command with --help to see its options.");
        return ExitCodes.InvalidConfiguration;
    }

    private static long? ParseSeed(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        result.AddError($"--seed must be a whole number from 0 to 9223372036854775807 (it is '{text}').");
        return null;
    }

    /// <summary>Runs a command and turns a configuration that cannot even be read into a message and exit code 2.</summary>
    private static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception exception) when (ConfigurationProblems.Describe(exception) is { Count: > 0 } failures)
        {
            HostStarter.PrintConfigurationErrors(failures, Console.Error);
            return ExitCodes.InvalidConfiguration;
        }
    }
}
