using Telegram.Bot.Types;

namespace Bot.Telegram;

/// <summary>The command menus Telegram shows: one for everyone, a longer one for moderators.</summary>
internal static class TelegramCommands
{
    public static readonly BotCommand[] Menu =
    [
        new() { Command = "generate", Description = "Make a video from a description" },
        new() { Command = "quota", Description = "Show how many videos you have left" },
        new() { Command = "jobs", Description = "List your latest jobs" },
        new() { Command = "cancel", Description = "Cancel an unfinished job" },
        new() { Command = "help", Description = "Show what the bot can do" },
    ];

    public static readonly BotCommand[] ModeratorMenu =
    [
        .. Menu.Select(command => command.Command == "quota"
            ? new BotCommand { Command = "quota", Description = "Your allowance; show, set, grant or reset a user's" }
            : command),
        new() { Command = "ban", Description = "Ban a user (reply to them, or give their id)" },
        new() { Command = "unban", Description = "Lift a user's ban" },
        new() { Command = "stats", Description = "Show jobs, GPU time and estimated cost" },
        new() { Command = "pause", Description = "Stop taking new requests, with a message" },
        new() { Command = "resume", Description = "Take new requests again" },
        new() { Command = "audit", Description = "Show moderator actions" },
    ];
}
