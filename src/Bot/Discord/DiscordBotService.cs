using System.Collections.Concurrent;
using System.Threading.Channels;
using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bot.Discord;

/// <summary>
/// Runs the gateway connection and handles interactions in two stages. The receive loop only enqueues. A pool
/// of deferring workers sends each interaction's deferred response and nothing else, so a burst of commands
/// does not wait behind database or RunPod work. The benchmark in bench/ measures how far that stays within
/// Discord's 3-second deadline. A second pool then carries out the commands.
/// </summary>
internal sealed partial class DiscordBotService(
    DiscordGatewayClient gateway,
    DiscordRestClient rest,
    DiscordApplication application,
    DiscordCommands commands,
    DiscordChatPort port,
    ChatCommandHandler handler,
    FatalErrors fatalErrors,
    IOptionsMonitor<Moderation.ModerationOptions> moderationOptions,
    ILogger<DiscordBotService> logger) : BackgroundService
{
    private const int DeferringWorkers = 16;
    private const int HandlingWorkers = 8;
    private const int Ephemeral = 1 << 6;

    private readonly Channel<GatewayDispatch> _interactions = Channel.CreateUnbounded<GatewayDispatch>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Channel<DiscordInteraction> _deferred = Channel.CreateUnbounded<DiscordInteraction>();
    private readonly ConcurrentDictionary<string, bool> _unlistedGuilds = new();
    private int _commandsRegistered;
    private Task _registration = Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var deferring = Enumerable.Range(0, DeferringWorkers).Select(_ => Task.Run(DeferAllAsync, CancellationToken.None)).ToArray();
        var handling = Enumerable.Range(0, HandlingWorkers).Select(_ => Task.Run(HandleAllAsync, CancellationToken.None)).ToArray();
        try
        {
            await gateway.RunAsync(dispatch => OnDispatch(dispatch, stoppingToken), stoppingToken);
        }
        catch (DiscordGatewayException exception)
        {
            fatalErrors.Stop(exception.Message);
        }
        finally
        {
            _interactions.Writer.TryComplete();
            await Task.WhenAll(deferring);
            _deferred.Writer.TryComplete();
            await Task.WhenAll(handling);
            await _registration;
        }
    }

    private ValueTask OnDispatch(GatewayDispatch dispatch, CancellationToken stoppingToken)
    {
        if (dispatch.Type == "INTERACTION_CREATE")
        {
            _interactions.Writer.TryWrite(dispatch);
        }
        else if (dispatch.Type == "READY" && gateway.ApplicationId is { } applicationId)
        {
            application.Set(applicationId);
            if (Interlocked.Exchange(ref _commandsRegistered, 1) == 0)
            {
                _registration = RegisterCommandsAsync(applicationId, stoppingToken);
            }
        }

        return ValueTask.CompletedTask;
    }

    private async Task RegisterCommandsAsync(string applicationId, CancellationToken cancellationToken)
    {
        try
        {
            await commands.RegisterAsync(applicationId, cancellationToken);
        }
        catch (Exception exception) when (exception is DiscordApiException or HttpRequestException)
        {
            LogRegistrationFailed(logger, exception);
            Interlocked.Exchange(ref _commandsRegistered, 0);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task DeferAllAsync()
    {
        // Interactions already received are finished even while stopping, so a deferred response is never left "thinking".
        await foreach (var dispatch in _interactions.Reader.ReadAllAsync(CancellationToken.None))
        {
            var interaction = DiscordInteraction.Parse(dispatch.Data, dispatch.ReceivedAt);
            if (interaction is not null && await DeferAsync(interaction))
            {
                _deferred.Writer.TryWrite(interaction);
            }
        }
    }

    private async Task HandleAllAsync()
    {
        await foreach (var interaction in _deferred.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await HandleAsync(interaction);
            }
            catch (ChatSendException exception)
            {
                LogInteractionFailed(logger, exception, interaction.Id, interaction.ChannelId);
            }
            catch (Exception exception) when (exception is Microsoft.EntityFrameworkCore.DbUpdateException or Microsoft.Data.Sqlite.SqliteException
                or InvalidOperationException)
            {
                LogInteractionFailed(logger, exception, interaction.Id, interaction.ChannelId);
                await TryReplyAsync(interaction, ChatCommandHandler.InternalErrorText);
            }
        }
    }

    /// <summary>
    /// Acknowledges the interaction: a deferred message for commands (private for /quota and /help), a deferred
    /// update for buttons. Returns false when Discord no longer accepts it, e.g. after the 3 seconds.
    /// </summary>
    private async Task<bool> DeferAsync(DiscordInteraction interaction)
    {
        // A Cancel press updates the message it is on; a Re-roll starts a new message, its job's status.
        var response = interaction.Kind == DiscordInteractionKind.Button && !interaction.Name.StartsWith("reroll:", StringComparison.Ordinal)
            ? new JsonObject { ["type"] = 6 }
            : new JsonObject { ["type"] = 5 };
        if (interaction.Kind == DiscordInteractionKind.Command && IsPrivate(interaction.Name))
        {
            response["data"] = new JsonObject { ["flags"] = Ephemeral };
        }

        try
        {
            await rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, response, CancellationToken.None);
            return true;
        }
        catch (Exception exception) when (exception is DiscordApiException or HttpRequestException)
        {
            LogDeferFailed(logger, exception, interaction.Id, interaction.ChannelId);
            return false;
        }
    }

    private async Task HandleAsync(DiscordInteraction interaction)
    {
        var command = interaction.ToCommand(IsModerator(interaction));
        if (command is null)
        {
            await port.SendReplyAsync(interaction.Target, ChatText.Of("This bot does not know that command. Try /help."), CancellationToken.None);
            return;
        }

        if (command is GenerateCommand or RerollCommand && interaction.GuildId is not null && interaction.AppPermissions is { } granted
            && DiscordPermissions.MissingForDelivery(granted, interaction.InThread) is { Count: > 0 } missing)
        {
            // A video takes longer than the interaction token lasts, so the bot must be able to post here itself.
            await port.SendReplyAsync(interaction.Target, MissingPermissionsText(missing), CancellationToken.None);
            return;
        }

        var reply = await handler.HandleAsync(command, CancellationToken.None);
        if (reply is not null)
        {
            await TryReplyAsync(interaction, reply);
        }
    }

    /// <summary>
    /// Returns whether the member moderates: Manage Server (or Administrator) in a server of
    /// <c>Moderation:DiscordManagerGuildIds</c>, or a user or role id from the settings. It is checked here, on the
    /// server side, because Discord's command permissions only decide who sees <c>/mod</c>.
    /// </summary>
    private bool IsModerator(DiscordInteraction interaction)
    {
        var settings = moderationOptions.CurrentValue;
        var managesServer = interaction.MemberPermissions is { } bits
            && (bits & (DiscordPermissions.Administrator | DiscordPermissions.ManageGuild)) != 0;
        var trustedServer = interaction.GuildId is { } guildId && settings.DiscordManagerGuildIds.Contains(guildId);
        if (managesServer && !trustedServer && interaction.GuildId is { } unlisted && _unlistedGuilds.TryAdd(unlisted, true))
        {
            // Once per server, so the operator can find the id to add without flooding the log.
            LogUnlistedGuild(logger, unlisted);
        }

        return (trustedServer && managesServer)
            || settings.DiscordUserIds.Contains(interaction.User.Id)
            || interaction.RoleIds.Any(settings.DiscordRoleIds.Contains);
    }

    /// <summary>Replaces the deferred "thinking…" with a reply after a failure, so the user is not left waiting.</summary>
    private async Task TryReplyAsync(DiscordInteraction interaction, ChatText text)
    {
        try
        {
            // A Cancel press was deferred as an update of its message, so its reply is a private note. A Re-roll
            // press was deferred as a new public message for the new job's status; a refusal goes to the presser alone.
            // Everything else was deferred as a new message, which the reply replaces.
            if (interaction.Kind == DiscordInteractionKind.Button && !interaction.Name.StartsWith("reroll:", StringComparison.Ordinal))
            {
                await port.SendPrivateNoteAsync(interaction.Target, text, CancellationToken.None);
            }
            else if (interaction.Kind == DiscordInteractionKind.Button)
            {
                await port.ReplyPrivatelyAsync(interaction.Target, text, CancellationToken.None);
            }
            else
            {
                await port.SendReplyAsync(interaction.Target, text, CancellationToken.None);
            }
        }
        catch (ChatSendException exception)
        {
            LogInteractionFailed(logger, exception, interaction.Id, interaction.ChannelId);
        }
    }

    /// <summary>Whether the command's reply is for the sender alone: their allowance and jobs, help, and moderator commands.</summary>
    private static bool IsPrivate(string name) =>
        name is "quota" or "help" or "jobs" or "cancel" || name.StartsWith("mod ", StringComparison.Ordinal);

    private static ChatText MissingPermissionsText(List<string> missing) =>
        new ChatText()
            .Plain("I can't deliver videos in this channel: I'm missing the ")
            .Bold(string.Join(", ", missing))
            .Plain(missing.Count == 1 ? " permission" : " permissions")
            .Plain(" here. A video takes longer than Discord lets me answer a command, so I post it myself. ")
            .Plain("A server admin can grant the permissions in the channel's settings, or you can use /generate in another channel.");

    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Deferring interaction {InteractionId} in channel {ChannelId} failed; the user sees \"The application did not respond\"")]
    private static partial void LogDeferFailed(ILogger logger, Exception exception, string interactionId, string channelId);

    [LoggerMessage(EventId = 601, Level = LogLevel.Error, Message = "Handling interaction {InteractionId} in channel {ChannelId} failed")]
    private static partial void LogInteractionFailed(ILogger logger, Exception exception, string interactionId, string channelId);

    [LoggerMessage(EventId = 603, Level = LogLevel.Information, Message = "Discord server {GuildId} is not in Moderation:DiscordManagerGuildIds, so its members with Manage Server do not moderate the bot")]
    private static partial void LogUnlistedGuild(ILogger logger, string guildId);

    [LoggerMessage(EventId = 602, Level = LogLevel.Error, Message = "Registering the Discord commands failed; they are registered again at the next READY")]
    private static partial void LogRegistrationFailed(ILogger logger, Exception exception);
}
