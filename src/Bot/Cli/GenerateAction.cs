using System.Globalization;
using Bot.Chat;
using Bot.Hosting;
using Bot.Jobs;
using Bot.Generation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bot.Cli;

/// <summary>Makes one video through the same pipeline the chats use, showing progress in the terminal.</summary>
internal static class GenerateAction
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(200);

    public static async Task<int> ExecuteAsync(string prompt, FileInfo output, long? seed)
    {
        var builder = Program.CreateBuilder(BotMode.Generate);

        // Warnings and errors still show, such as the note that no RunPod endpoint is configured.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        using var host = builder.Build();
        var failures = HostStarter.Validate(host.Services);
        if (failures.Count > 0)
        {
            HostStarter.PrintConfigurationErrors(failures, Console.Error);
            return ExitCodes.InvalidConfiguration;
        }

        var maxLength = host.Services.GetRequiredService<IOptions<GenerationOptions>>().Value.MaxPromptLength;
        var problem = PromptProblemText(PromptValidator.Check(prompt, maxLength), maxLength) ?? OutputProblem(output);
        if (problem is not null)
        {
            await Console.Error.WriteLineAsync(problem);
            return ExitCodes.InvalidConfiguration;
        }

        // This process follows only the job it makes, never a job another process or an earlier run left.
        var requestKey = $"cli:{Guid.NewGuid():N}";
        host.Services.GetRequiredService<JobScope>().LimitTo(requestKey);
        await host.StartAsync(CancellationToken.None);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        try
        {
            return await GenerateAsync(host.Services, prompt, output, seed, requestKey, lifetime.ApplicationStopping);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<int> GenerateAsync(IServiceProvider services, string prompt, FileInfo output, long? seed, string requestKey, CancellationToken stopping)
    {
        var user = new ChatUser(ChatPlatform.Cli, Environment.UserName, Environment.UserName);
        var command = new Chat.GenerateCommand(user, new ChatTarget(output.FullName), prompt, requestKey, seed);
        var outcome = await services.GetRequiredService<JobAcceptor>().AcceptAsync(command, CancellationToken.None);
        if (outcome.Job is not { } job)
        {
            await Console.Error.WriteLineAsync(outcome.Result switch
            {
                AcceptResult.Blocked => "The prompt breaks the prompt policy (Moderation:BlockedTerms or Moderation:BlockedPatterns).",
                AcceptResult.Paused => $"Video generation is paused by a moderator{(string.IsNullOrWhiteSpace(outcome.Message) ? "." : $": {outcome.Message}")} Resume it with /resume in a chat.",
                AcceptResult.InvalidRequest => outcome.Message,
                _ => $"The request was not accepted ({outcome.Result}).",
            });
            return ExitCodes.InvalidConfiguration;
        }

        var store = services.GetRequiredService<JobStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var port = services.GetRequiredService<ConsoleChatPort>();
        try
        {
            while (!(job = await store.FindAsync(job.Id, stopping) ?? job).IsTerminal)
            {
                await Task.Delay(CheckInterval, time, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            port.EndLine();
            if (services.GetRequiredService<FatalErrors>().Reason is { } reason)
            {
                await Console.Error.WriteLineAsync(reason);
                return ExitCodes.Fatal;
            }

            // Interrupted with Ctrl+C: the job is cancelled on RunPod too, so it does not go on costing GPU time.
            var (result, _, _) = await services.GetRequiredService<JobCanceller>().CancelAsync(user, job.Id, CancellationToken.None);
            await Console.Error.WriteLineAsync(result == CancelResult.Cancelled
                ? $"Interrupted: job #{job.Id} was cancelled."
                : $"Interrupted: job #{job.Id} could not be cancelled ({result}).");
            return ExitCodes.Failed;
        }

        // The terminal status line (done, failed and why) is the last thing the port shows.
        await services.GetRequiredService<StatusReporter>().FlushAsync(job.Id);
        port.EndLine();
        if (job.State != JobState.Delivered)
        {
            return ExitCodes.Failed;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Saved {output.FullName} ({job.OutputBytes / 1000.0:0.#} KB, {job.OutputWidth}×{job.OutputHeight}, {job.OutputDurationSeconds:0.0} s, seed {job.OutputSeed})."));
        return ExitCodes.Success;
    }

    private static string? PromptProblemText(PromptCheck check, int maxLength) => check.Problem switch
    {
        PromptProblem.Empty => "The prompt is empty. Describe the video, for example: generate \"a red fox running through snow\"",
        PromptProblem.TooLong => $"The prompt is {check.Length} characters long, and the limit is {maxLength} (Generation:MaxPromptLength).",
        PromptProblem.ControlCharacters => "The prompt contains control characters. Retype it as plain text.",
        _ => null,
    };

    /// <summary>Returns what keeps the video from being written to <paramref name="output"/>, or null when it can be.</summary>
    private static string? OutputProblem(FileInfo output)
    {
        if (Directory.Exists(output.FullName))
        {
            return $"--out {output.FullName} is a folder. Name the MP4 file to write, for example --out {Path.Combine(output.FullName, "video.mp4")}.";
        }

        var probe = Path.Combine(output.DirectoryName!, $".{output.Name}.{Guid.NewGuid():N}.check");
        try
        {
            Directory.CreateDirectory(output.DirectoryName!);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"--out {output.FullName} cannot be written: {exception.Message}";
        }
    }
}
