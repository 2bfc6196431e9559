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
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        if (!await HostStarter.TryStartAsync(host, Console.Error, CancellationToken.None))
        {
            return ExitCodes.InvalidConfiguration;
        }

        try
        {
            return await GenerateAsync(host.Services, prompt, output, seed, lifetime.ApplicationStopping);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<int> GenerateAsync(IServiceProvider services, string prompt, FileInfo output, long? seed, CancellationToken stopping)
    {
        var user = new ChatUser(ChatPlatform.Cli, Environment.UserName, Environment.UserName);
        var command = new Chat.GenerateCommand(user, new ChatTarget(output.FullName), prompt, $"cli:{Guid.NewGuid():N}", seed);
        var outcome = await services.GetRequiredService<JobAcceptor>().AcceptAsync(command, stopping);
        if (outcome.Job is not { } job)
        {
            var maxLength = services.GetRequiredService<IOptions<GenerationOptions>>().Value.MaxPromptLength;
            await Console.Error.WriteLineAsync(outcome.Prompt.Problem switch
            {
                PromptProblem.Empty => "The prompt is empty. Describe the video, e.g.: generate \"a red fox running through snow\"",
                PromptProblem.TooLong => $"The prompt is {outcome.Prompt.Length} characters long, and the limit is {maxLength} (Generation:MaxPromptLength).",
                PromptProblem.ControlCharacters => "The prompt contains control characters. Use plain text.",
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
            var reason = services.GetRequiredService<FatalErrors>().Reason;
            await Console.Error.WriteLineAsync(reason ?? $"Stopped. Job #{job.Id} is stored and finishes the next time generate runs.");
            return reason is null ? ExitCodes.Failed : ExitCodes.Fatal;
        }

        await services.GetRequiredService<StatusReporter>().FlushAsync(job.Id);
        port.EndLine();
        if (job.State != JobState.Delivered)
        {
            await Console.Error.WriteLineAsync($"No video: {StatusText.For(job, time.GetUtcNow())}");
            return ExitCodes.Failed;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Saved {output.FullName} ({job.OutputBytes / 1000.0:0.#} KB, {job.OutputWidth}×{job.OutputHeight}, {job.OutputDurationSeconds:0.0} s, seed {job.OutputSeed})."));
        return ExitCodes.Success;
    }
}
