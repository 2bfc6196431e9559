using System.Threading.Channels;
using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Discord;

/// <summary>
/// Runs the gateway connection and handles interactions on a pool of workers. The receive loop only enqueues;
/// a worker's first step for every interaction is the deferred response, before any database or RunPod work,
/// so Discord's 3-second deadline is met however busy the bot is.
/// </summary>
internal sealed partial class DiscordBotService(
    DiscordGatewayClient gateway,
    DiscordRestClient rest,
    DiscordApplication application,
    DiscordCommands commands,
    DiscordChatPort port,
    ChatCommandHandler handler,
    FatalErrors fatalErrors,
    ILogger<DiscordBotService> logger) : BackgroundService
{
    private const int Workers = 8;
    private const int Ephemeral = 1 << 6;

    private readonly Channel<GatewayDispatch> _interactions = Channel.CreateUnbounded<GatewayDispatch>(new UnboundedChannelOptions { SingleWriter = true });
    private int _commandsRegistered;
    private Task _registration = Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(WorkAsync, CancellationToken.None)).ToArray();
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
            await Task.WhenAll(workers);
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

    private async Task WorkAsync()
    {
        // Interactions already received are finished even while stopping, so a deferred response is never left "thinking".
        await foreach (var dispatch in _interactions.Reader.ReadAllAsync(CancellationToken.None))
        {
            var interaction = DiscordInteraction.Parse(dispatch.Data, dispatch.ReceivedAt);
            if (interaction is null)
            {
                continue;
            }

            if (!await DeferAsync(interaction))
            {
                continue;
            }

            try
            {
                await HandleAsync(interaction);
            }
            catch (Exception exception) when (exception is Microsoft.EntityFrameworkCore.DbUpdateException or Microsoft.Data.Sqlite.SqliteException
                or InvalidOperationException or ChatSendException)
            {
                LogInteractionFailed(logger, exception, interaction.Id, interaction.ChannelId);
            }
        }
    }

    /// <summary>
    /// Acknowledges the interaction: a deferred message for commands (private for /quota and /help), a deferred
    /// update for buttons. Returns false when Discord no longer accepts it, e.g. after the 3 seconds.
    /// </summary>
    private async Task<bool> DeferAsync(DiscordInteraction interaction)
    {
        var response = interaction.Kind == DiscordInteractionKind.Button
            ? new JsonObject { ["type"] = 6 }
            : new JsonObject { ["type"] = 5 };
        if (interaction.Kind == DiscordInteractionKind.Command && interaction.Name is "quota" or "help")
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
        var command = interaction.ToCommand();
        if (command is null)
        {
            await port.SendReplyAsync(interaction.Target, ChatText.Of("This bot does not know that command. Try /help."), CancellationToken.None);
            return;
        }

        if (command is GenerateCommand && interaction.GuildId is not null && interaction.AppPermissions is { } granted
            && DiscordPermissions.MissingForDelivery(granted, interaction.InThread) is { Count: > 0 } missing)
        {
            // A video takes longer than the interaction token lasts, so the bot must be able to post here itself.
            await port.SendReplyAsync(interaction.Target, MissingPermissionsText(missing), CancellationToken.None);
            return;
        }

        var reply = await handler.HandleAsync(command, CancellationToken.None);
        if (reply is null)
        {
            return;
        }

        if (interaction.Kind == DiscordInteractionKind.Button)
        {
            await port.SendPrivateNoteAsync(interaction.Target, reply, CancellationToken.None);
        }
        else
        {
            await port.SendReplyAsync(interaction.Target, reply, CancellationToken.None);
        }
    }

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

    [LoggerMessage(EventId = 602, Level = LogLevel.Error, Message = "Registering the Discord commands failed; they are registered again at the next READY")]
    private static partial void LogRegistrationFailed(ILogger logger, Exception exception);
}
