using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Chat;
using Bot.Discord;

namespace Bot.Tests.Discord;

public sealed class DiscordAdapterTests
{
    private static readonly DateTimeOffset Received = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Markdown_EscapesUserText()
    {
        var text = new ChatText().Italic("**bold** @everyone <@123> [x](y)");

        Assert.Equal(@"*\*\*bold\*\* \@everyone \<\@123\> \[x\]\(y\)*", DiscordMarkdown.Render(text));
    }

    [Fact]
    public void Markdown_LineStartMarks_Escaped()
    {
        var text = ChatText.Of("# big\n- item\njob #12 - done");

        Assert.Equal("\\# big\n\\- item\njob #12 - done", DiscordMarkdown.Render(text));
    }

    [Fact]
    public void Markdown_RendersStyles()
    {
        var text = new ChatText().Bold("Done").Plain(" ").Code("/help").Plain(" ").Link("video", new Uri("https://example.com/v.mp4"));

        Assert.Equal("**Done** `/help` [video](https://example.com/v.mp4)", DiscordMarkdown.Render(text));
    }

    [Fact]
    public void Markdown_CapsAtDiscordLimit()
    {
        var rendered = DiscordMarkdown.Render(ChatText.Of(new string('a', 3000)));

        Assert.Equal(DiscordMarkdown.MaxContentLength, rendered.Length);
        Assert.EndsWith("…", rendered);
    }

    [Fact]
    public void Interaction_Generate_BecomesCommandWithTarget()
    {
        var interaction = DiscordInteraction.Parse(Interaction(2, """{"name":"generate","options":[{"name":"prompt","type":3,"value":"a fox"}]}"""), Received)!;

        var command = Assert.IsType<GenerateCommand>(interaction.ToCommand(isModerator: false));
        Assert.Equal("a fox", command.Prompt);
        Assert.Equal("discord:1300", command.RequestKey);
        Assert.Equal("discord:900", command.User.Key);
        Assert.Equal("Alice", command.User.DisplayName);
        Assert.Equal("555", command.Target.ChatId);
        Assert.Equal("tok", command.Target.InteractionToken);
        Assert.Equal(Received.AddMinutes(15), command.Target.InteractionExpiresAt);
        Assert.Equal(26_214_400, command.Target.UploadLimit);
    }

    [Fact]
    public void Interaction_CancelButton_BecomesCancelCommand()
    {
        var interaction = DiscordInteraction.Parse(Interaction(3, """{"custom_id":"cancel:42","component_type":2}"""), Received)!;

        Assert.Equal(42, Assert.IsType<CancelCommand>(interaction.ToCommand(isModerator: false)).JobId);
    }

    [Fact]
    public void Interaction_GenerateOptions_AreRead()
    {
        var data = """
            {"name":"generate","options":[
              {"name":"prompt","type":3,"value":"a fox"},{"name":"aspect","type":3,"value":"portrait"},
              {"name":"seed","type":4,"value":42},{"name":"negative_prompt","type":3,"value":"blur"},
              {"name":"image","type":11,"value":"77"}],
             "resolved":{"attachments":{"77":{"id":"77","filename":"cat.png","size":1234,"content_type":"image/png","url":"https://cdn.discordapp.com/attachments/1/77/cat.png?ex=1"}}}}
            """;

        var command = Assert.IsType<GenerateCommand>(DiscordInteraction.Parse(Interaction(2, data), Received)!.ToCommand(isModerator: false));

        Assert.Equal(VideoAspect.Portrait, command.Aspect);
        Assert.Equal(42, command.Seed);
        Assert.Equal("blur", command.NegativePrompt);
        Assert.Equal("https://cdn.discordapp.com/attachments/1/77/cat.png?ex=1", command.Image!.Url!.AbsoluteUri);
    }

    [Fact]
    public void Interaction_NonImageAttachment_IsRejected()
    {
        var data = """
            {"name":"generate","options":[{"name":"prompt","type":3,"value":"a fox"},{"name":"image","type":11,"value":"77"}],
             "resolved":{"attachments":{"77":{"id":"77","filename":"notes.pdf","content_type":"application/pdf","url":"https://cdn.discordapp.com/a/77/notes.pdf"}}}}
            """;

        var command = Assert.IsType<InvalidCommand>(DiscordInteraction.Parse(Interaction(2, data), Received)!.ToCommand(isModerator: false));

        Assert.Contains("notes.pdf", command.Message);
    }

    [Fact]
    public void Interaction_ModQuotaSet_ReadsTheSubcommandPath()
    {
        var data = """
            {"name":"mod","options":[{"name":"quota","type":2,"options":[{"name":"set","type":1,"options":[
              {"name":"user","type":6,"value":"555"},{"name":"allowance","type":4,"value":12}]}]}],
             "resolved":{"users":{"555":{"id":"555","username":"bob","global_name":"Bob"}}}}
            """;

        var command = Assert.IsType<ModerateCommand>(DiscordInteraction.Parse(Interaction(2, data), Received)!.ToCommand(isModerator: true));

        Assert.Equal(ModeratorAction.QuotaSet, command.Action);
        Assert.Equal("discord:555", command.Subject!.Key);
        Assert.Equal("Bob", command.Subject.DisplayName);
        Assert.Equal(12, command.Number);
        Assert.True(command.User.IsChatModerator);
    }

    [Fact]
    public void Interaction_ModJobs_ListsTheUsersJobs()
    {
        var data = """{"name":"mod","options":[{"name":"jobs","type":1,"options":[{"name":"user","type":6,"value":"555"}]}]}""";

        var command = Assert.IsType<ListJobsCommand>(DiscordInteraction.Parse(Interaction(2, data), Received)!.ToCommand(isModerator: true));

        Assert.Equal("discord:555", command.Subject!.Key);
    }

    [Fact]
    public void Interaction_RerollButton_BecomesReroll()
    {
        var interaction = DiscordInteraction.Parse(Interaction(3, """{"custom_id":"reroll:9","component_type":2}"""), Received)!;

        Assert.Equal(9, Assert.IsType<RerollCommand>(interaction.ToCommand(isModerator: false)).JobId);
    }

    [Fact]
    public void Interaction_Autocomplete_IsIgnored()
    {
        Assert.Null(DiscordInteraction.Parse(Interaction(4, """{"name":"generate"}"""), Received));
    }

    [Fact]
    public void Interaction_MemberPermissions_AreRead()
    {
        var interaction = DiscordInteraction.Parse(Interaction(2, """{"name":"quota"}""", memberPermissions: "32"), Received)!;

        Assert.Equal(DiscordPermissions.ManageGuild, interaction.MemberPermissions);
    }

    [Fact]
    public void Permissions_MissingAttachFiles_AreNamed()
    {
        var granted = DiscordPermissions.ViewChannel | DiscordPermissions.SendMessages | DiscordPermissions.ReadMessageHistory;

        Assert.Equal(["Attach Files"], DiscordPermissions.MissingForDelivery(granted, inThread: false));
    }

    [Fact]
    public void Permissions_Thread_NeedsThreadSending()
    {
        var granted = DiscordPermissions.ViewChannel | DiscordPermissions.SendMessages | DiscordPermissions.AttachFiles | DiscordPermissions.ReadMessageHistory;

        Assert.Equal(["Send Messages in Threads"], DiscordPermissions.MissingForDelivery(granted, inThread: true));
    }

    [Fact]
    public void Permissions_Administrator_HasAll()
    {
        Assert.Empty(DiscordPermissions.MissingForDelivery(DiscordPermissions.Administrator, inThread: false));
    }

    [Fact]
    public void Commands_DiscordExtraFields_AreNotAChange()
    {
        var desired = JsonNode.Parse("""[{"name":"help","type":1,"description":"Help"},{"name":"generate","type":1,"description":"Make","options":[{"type":3,"name":"prompt","description":"What","required":true,"max_length":1000}]}]""")!.AsArray();
        var registered = JsonNode.Parse("""[{"id":"1","application_id":"2","version":"3","default_member_permissions":null,"name":"generate","type":1,"description":"Make","options":[{"type":3,"name":"prompt","description":"What","required":true,"max_length":1000}]},{"id":"4","name":"help","type":1,"description":"Help"}]""")!.AsArray();

        Assert.Equal(DiscordCommands.Normalize(desired), DiscordCommands.Normalize(registered));
    }

    [Fact]
    public void Commands_ChangedLimit_IsAChange()
    {
        var desired = JsonNode.Parse("""[{"name":"generate","type":1,"description":"Make","options":[{"type":3,"name":"prompt","description":"What","required":true,"max_length":500}]}]""")!.AsArray();
        var registered = JsonNode.Parse("""[{"name":"generate","type":1,"description":"Make","options":[{"type":3,"name":"prompt","description":"What","required":true,"max_length":1000}]}]""")!.AsArray();

        Assert.NotEqual(DiscordCommands.Normalize(desired), DiscordCommands.Normalize(registered));
    }

    private static JsonElement Interaction(int type, string data, string memberPermissions = "0") =>
        JsonDocument.Parse($$"""
            {"id":"1300","application_id":"12","type":{{type}},"token":"tok","guild_id":"11","channel_id":"555",
             "channel":{"id":"555","type":0},
             "member":{"user":{"id":"900","username":"alice","global_name":"Alice"},"permissions":"{{memberPermissions}}"},
             "app_permissions":"2248473465835073","attachment_size_limit":26214400,"data":{{data}}}
            """).RootElement;
}
