using System.Globalization;
using Bot.Generation;
using Bot.Jobs;
using Bot.Quotas;
using Bot.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bot.Chat;

/// <summary>
/// Carries out the commands every platform shares and returns the reply. The adapter posts the reply, because
/// only it knows how (a message, an edit of a deferred response, or a note only the user sees).
/// </summary>
public sealed class ChatCommandHandler(
    JobAcceptor acceptor,
    JobCanceller canceller,
    StatusReporter reporter,
    QuotaLedger ledger,
    IDbContextFactory<BotDbContext> contextFactory,
    IOptionsMonitor<GenerationOptions> generationOptions,
    IOptionsMonitor<QuotaOptions> quotaOptions,
    TimeProvider time)
{
    public const string ExamplePrompt = "a red fox running through snow";

    /// <summary>The reply when carrying out a command failed inside the bot, e.g. because the database was unavailable.</summary>
    public static ChatText InternalErrorText { get; } = ChatText.Of(
        "Something went wrong on the bot's side, and your command was not carried out. Nothing was counted against your allowance; please try again in a minute.");

    /// <summary>Carries out the command and returns the reply, or null when the job's status message is the reply.</summary>
    public async Task<ChatText?> HandleAsync(ChatCommand command, CancellationToken cancellationToken) =>
        command switch
        {
            GenerateCommand generate => await GenerateAsync(generate, cancellationToken),
            ShowQuotaCommand => await QuotaAsync(command.User, cancellationToken),
            HelpCommand help => Help(help.IsStart),
            CancelCommand cancel => await CancelAsync(cancel, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown command."),
        };

    private async Task<ChatText?> CancelAsync(CancelCommand command, CancellationToken cancellationToken) =>
        await canceller.CancelAsync(command.User, command.JobId, cancellationToken) switch
        {
            CancelResult.Cancelled => null,
            CancelResult.NotOwner => ChatText.Of("Only the person who asked for this video can cancel it."),
            CancelResult.TooLate => ChatText.Of("The video is already being posted, so it can no longer be cancelled."),
            CancelResult.NotFound => ChatText.Of($"There is no job #{command.JobId}."),
            _ => ChatText.Of("This job has already finished."),
        };

    private async Task<ChatText?> GenerateAsync(GenerateCommand command, CancellationToken cancellationToken)
    {
        var outcome = await acceptor.AcceptAsync(command, cancellationToken);
        if (outcome.Job is { } job)
        {
            // The status message is the answer; the chat's next command waits for it, so answers keep their order.
            await reporter.WhenFirstShownAsync(job.Id);
        }

        var maxLength = generationOptions.CurrentValue.MaxPromptLength;
        return outcome.Result switch
        {
            AcceptResult.Accepted or AcceptResult.Duplicate => null,
            AcceptResult.InvalidPrompt => outcome.Prompt.Problem switch
            {
                PromptProblem.Empty => new ChatText()
                    .Plain("Please describe the video after the command, for example:\n")
                    .Code($"/generate {ExamplePrompt}"),
                PromptProblem.TooLong => ChatText.Of(
                    $"Your description is {outcome.Prompt.Length} characters long, and the limit is {maxLength}. Please shorten it and send it again."),
                _ => ChatText.Of(
                    "Your description contains control characters (invisible formatting codes). Please retype it as plain text and send it again."),
            },
            AcceptResult.QuotaSpent => QuotaSpentText(outcome.Usage!),
            _ => throw new InvalidOperationException($"Unknown accept result {outcome.Result}."),
        };
    }

    private ChatText QuotaSpentText(QuotaUsage usage)
    {
        var now = time.GetUtcNow();
        if (usage.Allowance == 0)
        {
            return ChatText.Of("Video generation is turned off for users on this bot.");
        }

        var text = new ChatText().Plain($"You have used all {Videos(usage.Allowance)} of your {PeriodName()} allowance");
        if (usage.Reserved > 0)
        {
            text.Plain($" ({usage.Reserved} still in progress; any that fail are given back)");
        }

        return text.Plain($". It resets in {StatusText.Duration(usage.ResetsAt - now)}, at {FormatTime(usage.ResetsAt)}.");
    }

    private async Task<ChatText> QuotaAsync(ChatUser user, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var usage = await ledger.GetUsageAsync(context, user, cancellationToken);
        var now = time.GetUtcNow();

        var text = new ChatText().Bold("Your allowance: ").Plain($"{Videos(usage.Allowance)} per {PeriodUnit()}.\n");
        text.Plain($"Received: {usage.Charged} · in progress: {usage.Reserved} · left: {usage.Remaining}\n");
        text.Plain($"Resets at {FormatTime(usage.ResetsAt)} (in {StatusText.Duration(usage.ResetsAt - now)}).");
        return text;
    }

    private ChatText Help(bool isStart)
    {
        var quota = quotaOptions.CurrentValue;
        var text = new ChatText();
        if (isStart)
        {
            text.Plain("👋 Hi! ");
        }

        return text
            .Plain("I turn a sentence into a short video.\n\n")
            .Code("/generate <description>").Plain(" makes a video, for example:\n")
            .Code($"/generate {ExamplePrompt}").Plain("\n")
            .Code("/quota").Plain(" shows how many videos you have left\n")
            .Code("/help").Plain(" shows this message\n\n")
            .Plain($"A video takes a few minutes; my status message shows how far it got. You can make {Videos(quota.DefaultAllowance)} per {PeriodUnit()}, ")
            .Plain("and a video that fails does not count.");
    }

    private static string Videos(int count) => count == 1 ? "1 video" : $"{count} videos";

    private string PeriodName() => quotaOptions.CurrentValue.Period switch
    {
        QuotaPeriod.Weekly => "weekly",
        QuotaPeriod.Monthly => "monthly",
        _ => "daily",
    };

    private string PeriodUnit() => quotaOptions.CurrentValue.Period switch
    {
        QuotaPeriod.Weekly => "week",
        QuotaPeriod.Monthly => "month",
        _ => "day",
    };

    private static string FormatTime(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
