using Telegram.Bot.Types;

namespace Bot.Telegram;

/// <summary>The command menu Telegram shows users.</summary>
internal static class TelegramCommands
{
    public static readonly BotCommand[] Menu =
    [
        new() { Command = "generate", Description = "Make a video from a description" },
        new() { Command = "quota", Description = "Show how many videos you have left" },
        new() { Command = "help", Description = "Show what the bot can do" },
    ];
}
