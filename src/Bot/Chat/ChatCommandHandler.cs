using System.Globalization;
using Bot.Generation;
using Bot.Jobs;
using Bot.Quotas;
using Bot.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bot.Chat;

/// <summary>Carries out the commands every platform shares and replies through the platform's port.</summary>
public sealed partial class ChatCommandHandler(
    JobAcceptor acceptor,
    QuotaLedger ledger,
    IDbContextFactory<BotDbContext> contextFactory,
    ChatPorts ports,
    IOptionsMonitor<GenerationOptions> generationOptions,
    IOptionsMonitor<QuotaOptions> quotaOptions,
    TimeProvider time,
    ILogger<ChatCommandHandler> logger)
{
    public const string ExamplePrompt = "a red fox running through snow";

    public async Task HandleAsync(ChatCommand command, CancellationToken cancellationToken)
    {
        var reply = command switch
        {
            GenerateCommand generate => await GenerateAsync(generate, cancellationToken),
            ShowQuotaCommand => await QuotaAsync(command.User, cancellationToken),
            HelpCommand help => Help(help.IsStart),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown command."),
        };

        if (reply is not null)
        {
            await ReplyAsync(command, reply, cancellationToken);
        }
    }

    private async Task<ChatText?> GenerateAsync(GenerateCommand command, CancellationToken cancellationToken)
    {
        var outcome = await acceptor.AcceptAsync(command, cancellationToken);
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

        var text = new ChatText().Plain($"You have used all {usage.Allowance} videos of your {PeriodName()} allowance");
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

        var text = new ChatText().Bold("Your allowance: ").Plain($"{usage.Allowance} videos per {PeriodUnit()}.\n");
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
            .Plain($"A video takes a few minutes; my status message shows how far it got. You can make {quota.DefaultAllowance} videos per {PeriodUnit()}, ")
            .Plain("and a video that fails does not count.");
    }

    private async Task ReplyAsync(ChatCommand command, ChatText reply, CancellationToken cancellationToken)
    {
        try
        {
            await ports.Get(command.User.Platform).SendMessageAsync(command.Target, reply, cancellationToken);
        }
        catch (ChatSendException exception)
        {
            LogReplyFailed(logger, exception, command.GetType().Name, command.Target.ChatId);
        }
    }

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

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Reply to {Command} in chat {ChatId} could not be sent")]
    private static partial void LogReplyFailed(ILogger logger, Exception exception, string command, string chatId);
}
