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
    public void UnknownCommand_InPrivateChat_PointsToHelp()
    {
        var command = Assert.IsType<InvalidCommand>(TelegramUpdateParser.Parse(Update("/video a cat", ChatType.Private), BotName)!.Command);

        Assert.Equal("There is no /video command. Send /help to see what the bot can do.", command.Message);
    }

    [Fact]
    public void UnknownCommand_AddressedInGroup_PointsToHelp()
    {
        var command = Assert.IsType<InvalidCommand>(TelegramUpdateParser.Parse(Update($"/video@{BotName} a cat", ChatType.Supergroup), BotName)!.Command);

        Assert.Contains("There is no /video command", command.Message);
    }

    [Fact]
    public void PlainText_InGroup_IsIgnored()
    {
        var update = Update("hello", ChatType.Supergroup);
        update.Message!.Entities = null;

        Assert.Null(TelegramUpdateParser.Parse(update, BotName));
    }

    [Fact]
    public void PlainText_InPrivateChat_ExplainsGenerate()
    {
        var update = Update("a cat on a skateboard", ChatType.Private);
        update.Message!.Entities = null;

        var command = Assert.IsType<InvalidCommand>(TelegramUpdateParser.Parse(update, BotName)!.Command);

        Assert.StartsWith("To make a video, send /generate with a description", command.Message);
    }

    [Fact]
    public void Generate_Options_AreReadAndRemovedFromPrompt()
    {
        var command = Assert.IsType<GenerateCommand>(TelegramUpdateParser.Parse(
            Update("/generate a red fox --portrait --seed 42 running --no blurry, text", ChatType.Private), BotName)!.Command);

        Assert.Equal("a red fox running", command.Prompt);
        Assert.Equal(VideoAspect.Portrait, command.Aspect);
        Assert.Equal(42, command.Seed);
        Assert.Equal("blurry, text", command.NegativePrompt);
    }

    [Fact]
    public void Generate_PhoneDash_CountsAsOption()
    {
        var command = Assert.IsType<GenerateCommand>(TelegramUpdateParser.Parse(Update("/generate a cat —landscape", ChatType.Private), BotName)!.Command);

        Assert.Equal(VideoAspect.Landscape, command.Aspect);
        Assert.Equal("a cat", command.Prompt);
    }

    [Fact]
    public void Generate_BadSeed_ExplainsTheFormat()
    {
        var command = Assert.IsType<InvalidCommand>(TelegramUpdateParser.Parse(Update("/generate a cat --seed abc", ChatType.Private), BotName)!.Command);

        Assert.Contains("--seed needs a whole number", command.Message);
    }

    [Theory]
    [InlineData("/generate a cat --portrait --fast", "--fast")]
    [InlineData("/generate a cat —vertical", "--vertical")]
    [InlineData("/generate a cat --noblur", "--noblur")]
    public void Generate_UnknownOption_ListsTheOptions(string text, string named)
    {
        var command = Assert.IsType<InvalidCommand>(TelegramUpdateParser.Parse(Update(text, ChatType.Private), BotName)!.Command);

        Assert.Contains($"/generate has no option {named}.", command.Message);
        Assert.Contains("--portrait, --landscape, --seed N and --no TEXT", command.Message);
    }

    [Fact]
    public void Generate_EmptyNo_Explains()
    {
        var command = Assert.IsType<InvalidCommand>(TelegramUpdateParser.Parse(Update("/generate a dog --no", ChatType.Private), BotName)!.Command);

        Assert.StartsWith("--no needs what the video should not show", command.Message);
    }

    [Fact]
    public void Generate_InnerDashes_StayInPrompt()
    {
        var command = Assert.IsType<GenerateCommand>(TelegramUpdateParser.Parse(Update("/generate a slow-motion wave -- then calm", ChatType.Private), BotName)!.Command);

        Assert.Equal("a slow-motion wave -- then calm", command.Prompt);
    }

    [Fact]
    public void Generate_WithPhoto_CarriesTheLargestSize()
    {
        var update = Update("/generate animate this", ChatType.Group);
        update.Message!.Photo = [new PhotoSize { FileId = "small", FileUniqueId = "s", Width = 90, Height = 90 }, new PhotoSize { FileId = "large", FileUniqueId = "l", Width = 1280, Height = 960, FileSize = 98765 }];

        var parsed = TelegramUpdateParser.Parse(update, BotName)!;

        Assert.Equal("large", parsed.Photo!.FileId);
    }

    [Fact]
    public void Generate_ReplyToPhoto_CarriesThatPhoto()
    {
        var update = Update("/generate animate this", ChatType.Group);
        update.Message!.ReplyToMessage = new Message { Id = 5, Chat = update.Message.Chat, Photo = [new PhotoSize { FileId = "replied", FileUniqueId = "r", Width = 10, Height = 10 }] };

        Assert.Equal("replied", TelegramUpdateParser.Parse(update, BotName)!.Photo!.FileId);
    }

    [Fact]
    public void QuotaSet_ByReply_TargetsTheAuthor()
    {
        var update = Update("/quota set 10", ChatType.Supergroup);
        ReplyTo(update, 5, new User { Id = 77, FirstName = "Bob" });

        var command = Assert.IsType<ModerateCommand>(TelegramUpdateParser.Parse(update, BotName)!.Command);

        Assert.Equal(ModeratorAction.QuotaSet, command.Action);
        Assert.Equal("telegram:77", command.Subject!.Key);
        Assert.Equal(10, command.Number);
    }

    [Fact]
    public void QuotaSet_ReplyAndId_AsksWhichUser()
    {
        var update = Update("/quota set 103 4", ChatType.Supergroup);
        ReplyTo(update, 5, new User { Id = 77, FirstName = "Bob" });

        var command = Assert.IsType<InvalidCommand>(TelegramUpdateParser.Parse(update, BotName)!.Command);

        Assert.True(command.ModeratorsOnly);
        Assert.StartsWith("You replied to a message of Bob (77) and also gave the id 103", command.Message);
    }

    [Fact]
    public void QuotaSet_ReplyAndAuthorId_TargetsAuthor()
    {
        var update = Update("/quota set 77 4", ChatType.Supergroup);
        ReplyTo(update, 5, new User { Id = 77, FirstName = "Bob" });

        var command = Assert.IsType<ModerateCommand>(TelegramUpdateParser.Parse(update, BotName)!.Command);

        Assert.Equal("telegram:77", command.Subject!.Key);
        Assert.Equal(4, command.Number);
    }

    [Fact]
    public void QuotaSet_NotWholeNumber_Explains()
    {
        var command = Assert.IsType<InvalidCommand>(TelegramUpdateParser.Parse(Update("/quota set 77 4.5", ChatType.Supergroup), BotName)!.Command);

        Assert.StartsWith("\"4.5\" is not a whole number.", command.Message);
    }

    [Fact]
    public void Ban_ReplyAndOtherId_AsksWhichUser()
    {
        var update = Update("/ban 102 spam", ChatType.Supergroup);
        ReplyTo(update, 5, new User { Id = 77, FirstName = "Bob" });

        var command = Assert.IsType<InvalidCommand>(TelegramUpdateParser.Parse(update, BotName)!.Command);

        Assert.Contains("also gave the id 102", command.Message);
    }

    [Fact]
    public void Ban_ForumTopicStart_NotAReply()
    {
        var update = Update("/ban spam", ChatType.Supergroup);
        update.Message!.IsTopicMessage = true;
        update.Message.MessageThreadId = 9;
        ReplyTo(update, 9, new User { Id = 77, FirstName = "Topic starter" });

        var command = Assert.IsType<InvalidCommand>(TelegramUpdateParser.Parse(update, BotName)!.Command);

        Assert.StartsWith("Say which user", command.Message);
    }

    [Fact]
    public void Cancel_InForumTopic_CancelsLatestJob()
    {
        var update = Update("/cancel", ChatType.Supergroup);
        update.Message!.IsTopicMessage = true;
        update.Message.MessageThreadId = 9;
        ReplyTo(update, 9, new User { Id = 77, FirstName = "Topic starter" });

        var command = Assert.IsType<CancelCommand>(TelegramUpdateParser.Parse(update, BotName)!.Command);

        Assert.Null(command.JobId);
        Assert.Null(command.RepliedMessageId);
    }

    [Fact]
    public void Ban_ReplyToBot_ExplainsTheReply()
    {
        var update = Update("/ban spam", ChatType.Supergroup);
        ReplyTo(update, 5, new User { Id = 1, FirstName = "Video bot", IsBot = true });

        var command = Assert.IsType<InvalidCommand>(TelegramUpdateParser.Parse(update, BotName)!.Command);

        Assert.StartsWith("You replied to a bot's message.", command.Message);
    }

    [Fact]
    public void Jobs_ReplyToBot_ListsOwnJobs()
    {
        var update = Update("/jobs", ChatType.Supergroup);
        ReplyTo(update, 5, new User { Id = 1, FirstName = "Video bot", IsBot = true });

        Assert.Null(Assert.IsType<ListJobsCommand>(TelegramUpdateParser.Parse(update, BotName)!.Command).Subject);
    }

    [Fact]
    public void Cancel_ReplyToStatus_CarriesThatMessage()
    {
        var update = Update("/cancel", ChatType.Supergroup);
        ReplyTo(update, 31, new User { Id = 1, FirstName = "Video bot", IsBot = true });

        var command = Assert.IsType<CancelCommand>(TelegramUpdateParser.Parse(update, BotName)!.Command);

        Assert.Null(command.JobId);
        Assert.Equal("31", command.RepliedMessageId);
    }

    [Fact]
    public void Ban_WithoutUser_IsForModeratorsOnly()
    {
        var parsed = TelegramUpdateParser.Parse(Update("/ban", ChatType.Supergroup), BotName)!;

        Assert.True(Assert.IsType<InvalidCommand>(parsed.Command).ModeratorsOnly);
        Assert.True(TelegramUpdateParser.NeedsModeratorCheck(parsed.Command));
    }

    [Fact]
    public void Ban_ByNumericId_KeepsTheReason()
    {
        var command = Assert.IsType<ModerateCommand>(TelegramUpdateParser.Parse(Update("/ban 123456 spamming the chat", ChatType.Supergroup), BotName)!.Command);

        Assert.Equal(ModeratorAction.Ban, command.Action);
        Assert.Equal("telegram:123456", command.Subject!.Key);
        Assert.Equal("spamming the chat", command.Text);
    }

    [Fact]
    public void Ban_ByTextMention_UsesTheMentionedUser()
    {
        var update = Update("/ban Bob for spam", ChatType.Supergroup);
        update.Message!.Entities = [update.Message.Entities![0], new MessageEntity { Type = MessageEntityType.TextMention, Offset = 5, Length = 3, User = new User { Id = 99, FirstName = "Bob" } }];

        var command = Assert.IsType<ModerateCommand>(TelegramUpdateParser.Parse(update, BotName)!.Command);

        Assert.Equal("telegram:99", command.Subject!.Key);
        Assert.Equal("for spam", command.Text);
    }

    [Fact]
    public void Ban_ByUsername_ExplainsTheLimit()
    {
        var command = Assert.IsType<InvalidCommand>(TelegramUpdateParser.Parse(Update("/ban @bob", ChatType.Supergroup), BotName)!.Command);

        Assert.Contains("does not tell bots who an @username is", command.Message);
    }

    [Theory]
    [InlineData("/cancel", null)]
    [InlineData("/cancel 12", 12L)]
    [InlineData("/cancel #12", 12L)]
    public void Cancel_TakesAnOptionalJob(string text, long? jobId)
    {
        Assert.Equal(jobId, Assert.IsType<CancelCommand>(TelegramUpdateParser.Parse(Update(text, ChatType.Private), BotName)!.Command).JobId);
    }

    [Theory]
    [InlineData("/stats", ModeratorAction.Stats)]
    [InlineData("/pause back soon", ModeratorAction.Pause)]
    [InlineData("/resume", ModeratorAction.Resume)]
    [InlineData("/audit", ModeratorAction.Audit)]
    public void ModeratorCommands_AreRecognised(string text, ModeratorAction action)
    {
        Assert.Equal(action, Assert.IsType<ModerateCommand>(TelegramUpdateParser.Parse(Update(text, ChatType.Supergroup), BotName)!.Command).Action);
    }

    [Fact]
    public void RerollButton_BecomesReroll()
    {
        var update = new Update
        {
            Id = 2,
            CallbackQuery = new CallbackQuery
            {
                Id = "cb1",
                From = new User { Id = 42, FirstName = "Ann" },
                Data = "reroll:7",
                Message = new Message { Id = 9, Chat = new global::Telegram.Bot.Types.Chat { Id = 5, Type = ChatType.Private } },
            },
        };

        var command = Assert.IsType<RerollCommand>(TelegramUpdateParser.Parse(update, BotName)!.Command);

        Assert.Equal(7, command.JobId);
        Assert.Equal("9", command.Target.RequestMessageId);
    }

    private static void ReplyTo(Update update, int messageId, User author) =>
        update.Message!.ReplyToMessage = new Message { Id = messageId, Chat = update.Message.Chat, From = author };

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
