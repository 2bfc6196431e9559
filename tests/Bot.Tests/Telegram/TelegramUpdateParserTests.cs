using Bot.Chat;
using Bot.Telegram;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Bot.Tests.Telegram;

public sealed class TelegramUpdateParserTests
{
    private const string BotName = "VideoBot";

    [Fact]
    public void Generate_InPrivateChat_CarriesPromptAndTarget()
    {
        var command = TelegramUpdateParser.Parse(Update("/generate a red fox", ChatType.Private, chatId: 5), BotName)?.Command;

        var generate = Assert.IsType<GenerateCommand>(command);
        Assert.Equal("a red fox", generate.Prompt);
        Assert.Equal("5", generate.Target.ChatId);
        Assert.Equal("77", generate.Target.RequestMessageId);
        Assert.Equal("telegram:42", generate.User.Key);
        Assert.Equal("telegram:5:77", generate.RequestKey);
    }

    [Fact]
    public void Generate_AddressedToThisBot_IsParsed()
    {
        var command = TelegramUpdateParser.Parse(Update("/generate@videobot a cat", ChatType.Supergroup), BotName)?.Command;

        Assert.Equal("a cat", Assert.IsType<GenerateCommand>(command).Prompt);
    }

    [Fact]
    public void Generate_AddressedToOtherBot_IsIgnored()
    {
        Assert.Null(TelegramUpdateParser.Parse(Update("/generate@OtherBot a cat", ChatType.Supergroup), BotName));
    }

    [Fact]
    public void Generate_WithoutPrompt_HasEmptyPrompt()
    {
        var command = TelegramUpdateParser.Parse(Update("/generate", ChatType.Private), BotName)?.Command;

        Assert.Equal(string.Empty, Assert.IsType<GenerateCommand>(command).Prompt);
    }

    [Fact]
    public void Generate_InPhotoCaption_IsParsed()
    {
        var update = Update("/generate animate this", ChatType.Group);
        update.Message!.Caption = update.Message.Text;
        update.Message.CaptionEntities = update.Message.Entities;
        update.Message.Text = null;
        update.Message.Entities = null;

        var command = TelegramUpdateParser.Parse(update, BotName)?.Command;

        Assert.Equal("animate this", Assert.IsType<GenerateCommand>(command).Prompt);
    }

    [Fact]
    public void Generate_InForumTopic_RepliesInTopic()
    {
        var update = Update("/generate a cat", ChatType.Supergroup);
        update.Message!.IsTopicMessage = true;
        update.Message.MessageThreadId = 9;

        Assert.Equal("9", TelegramUpdateParser.Parse(update, BotName)!.Command.Target.ThreadId);
    }

    [Theory]
    [InlineData("/quota", typeof(ShowQuotaCommand))]
    [InlineData("/help", typeof(HelpCommand))]
    [InlineData("/start", typeof(HelpCommand))]
    public void OtherCommands_AreRecognised(string text, Type expected)
    {
        Assert.IsType(expected, TelegramUpdateParser.Parse(Update(text, ChatType.Private), BotName)!.Command);
    }

    [Fact]
    public void UnknownCommand_InGroup_IsIgnored()
    {
        Assert.Null(TelegramUpdateParser.Parse(Update("/frobnicate someone", ChatType.Group), BotName));
    }

    [Fact]
    public void UnknownCommand_InPrivateChat_GetsHelp()
    {
        Assert.IsType<HelpCommand>(TelegramUpdateParser.Parse(Update("/video a cat", ChatType.Private), BotName)!.Command);
    }

    [Fact]
    public void PlainText_IsIgnored()
    {
        var update = Update("hello", ChatType.Private);
        update.Message!.Entities = null;

        Assert.Null(TelegramUpdateParser.Parse(update, BotName));
    }

    private static Update Update(string text, ChatType chatType, long chatId = -1001)
    {
        var commandLength = text.Contains(' ', StringComparison.Ordinal) ? text.IndexOf(' ', StringComparison.Ordinal) : text.Length;
        return new Update
        {
            Id = 1,
            Message = new Message
            {
                Id = 77,
                From = new User { Id = 42, FirstName = "Ann", Username = "ann" },
                Chat = new global::Telegram.Bot.Types.Chat { Id = chatId, Type = chatType },
                Text = text,
                Entities = [new MessageEntity { Type = MessageEntityType.BotCommand, Offset = 0, Length = commandLength }],
            },
        };
    }
}
