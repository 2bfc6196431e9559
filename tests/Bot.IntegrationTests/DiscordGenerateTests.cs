using Bot.Fakes;
using Bot.IntegrationTests.Support;
using Bot.RunPod.LocalEndpoint;

namespace Bot.IntegrationTests;

/// <summary>The whole pipeline through Discord: a slash command over the gateway in, a video over the HTTP API out.</summary>
public sealed class DiscordGenerateTests : BotTestBase
{
    private const string Channel = "1100000000000000005";

    private static string WebhookPath(string token) => $"webhooks/{FakeDiscordServer.ApplicationId}/{token}";

    [Fact]
    public async Task Generate_DefersEditsAndUploadsVideo()
    {
        await StartDiscordBotAsync();

        var (id, token) = await Discord.SendCommandAsync("generate", "a red fox running through snow");
        var upload = await Eventually.WaitForAsync(() => Discord.CallsTo("POST", WebhookPath(token)).FirstOrDefault(), "the video follow-up");
        var original = Discord.OriginalMessageId(token)!;
        await Eventually.WaitUntilAsync(() => Content(original).Contains("Done", StringComparison.Ordinal), "the final status");

        var defer = Assert.Single(Discord.CallsTo("POST", $"interactions/{id}/"));
        Assert.Equal(5, defer.Body!["type"]!.GetValue<int>());
        Assert.True(Discord.ResponseLatency(id) < TimeSpan.FromSeconds(3));
        var edits = Discord.CallsTo("PATCH", $"{WebhookPath(token)}/messages/");
        Assert.Contains(edits, edit => edit.Body!["content"]!.GetValue<string>().Contains("Generating", StringComparison.Ordinal));
        var video = upload.Files["files[0]"];
        Assert.Equal("ftyp"u8.ToArray(), video[4..8]);
        Assert.Equal(119_898, video.Length);
        Assert.Contains("a red fox running through snow", upload.Body!["content"]!.GetValue<string>());
        Assert.Single(Discord.CallsTo("POST", WebhookPath(token)));
    }

    [Fact]
    public async Task Start_RegistersCommandsOnlyWhenChanged()
    {
        await using (await StartDiscordBotAsync())
        {
            await Eventually.WaitUntilAsync(() => Discord.CommandWrites.Count == 1, "the command registration");
        }

        await StartDiscordBotAsync();
        await Eventually.WaitUntilAsync(() => Discord.CallsTo("GET", "applications/").Count == 2, "the second start's check");
        await Task.Delay(300);

        var commands = Discord.CommandWrites.Single().Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["generate", "quota", "jobs", "cancel", "help", "mod"], commands);
        Assert.Equal("32", Discord.CommandWrites.Single()[5]!["default_member_permissions"]!.GetValue<string>());
        Assert.Equal(1000, Discord.CommandWrites.Single()[0]!["options"]![0]!["max_length"]!.GetValue<int>());
    }

    [Fact]
    public async Task Start_WithGuildIds_RegistersPerGuild()
    {
        await StartDiscordBotAsync(new Dictionary<string, string?> { ["Discord:GuildIds:0"] = "1100000000000000000" });

        await Eventually.WaitUntilAsync(() => Discord.CommandWrites.Count == 1, "the command registration");

        Assert.Single(Discord.CallsTo("PUT", $"applications/{FakeDiscordServer.ApplicationId}/guilds/1100000000000000000/commands"));
    }

    [Fact]
    public async Task EveryoneInPrompt_IsNeverAMention()
    {
        await StartDiscordBotAsync();

        var (_, token) = await Discord.SendCommandAsync("generate", "@everyone look at this fox <@&1234>");
        await Eventually.WaitForAsync(() => Discord.CallsTo("POST", WebhookPath(token)).FirstOrDefault(), "the video follow-up");

        var messages = Discord.Calls.Where(call => call.Path.StartsWith("webhooks/", StringComparison.Ordinal) || call.Path.StartsWith("channels/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(messages);
        Assert.All(messages, call => Assert.Empty(call.Body!["allowed_mentions"]!["parse"]!.AsArray()));
    }

    [Fact]
    public async Task Quota_IsPrivateReply()
    {
        await StartDiscordBotAsync();

        var (id, token) = await Discord.SendCommandAsync("quota");
        await Eventually.WaitUntilAsync(() => Discord.CallsTo("PATCH", $"{WebhookPath(token)}/messages/@original").Count == 1, "the reply");

        var defer = Assert.Single(Discord.CallsTo("POST", $"interactions/{id}/"));
        Assert.Equal(64, defer.Body!["data"]!["flags"]!.GetValue<int>());
        Assert.Contains("5 videos per day", Content(Discord.OriginalMessageId(token)!));
    }

    [Fact]
    public async Task Upload413_PostsLink()
    {
        RunPod.Behavior.OutputMode = LocalOutputMode.Url;
        Discord.FailNext("webhooks/", 413, """{"message": "Request entity too large", "code": 40005}""", method: "POST");
        await StartDiscordBotAsync();

        var (_, token) = await Discord.SendCommandAsync("generate", "a waterfall");

        var link = await Eventually.WaitForAsync(
            () => Discord.CallsTo("POST", WebhookPath(token)).FirstOrDefault(call => call.Files.Count == 0),
            "the link follow-up");
        Assert.Contains("download link", link.Body!["content"]!.GetValue<string>());
        Assert.Contains("/files/", link.Body["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task VideoOverUploadLimit_PostsLinkWithoutUploading()
    {
        RunPod.Behavior.OutputMode = LocalOutputMode.Url;
        await StartDiscordBotAsync();

        var (_, token) = await Discord.SendCommandAsync("generate", "a waterfall", attachmentSizeLimit: 100_000);

        var link = await Eventually.WaitForAsync(() => Discord.CallsTo("POST", WebhookPath(token)).FirstOrDefault(), "the link follow-up");
        Assert.Empty(link.Files);
        Assert.Contains("0.1 MB", link.Body!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task TokenExpired_DeliversThroughChannel()
    {
        RunPod.Behavior.RunTime = TimeSpan.FromSeconds(3);
        await StartDiscordBotAsync();
        var (_, token) = await Discord.SendCommandAsync("generate", "a slow sunset");
        await Eventually.WaitUntilAsync(() => Discord.OriginalMessageId(token) is { } id && Content(id).Contains("Generating", StringComparison.Ordinal), "the job to run");

        // From now on the interaction token is refused, as after Discord's 15 minutes.
        Discord.ExpireInteractionTokens = true;

        var upload = await Eventually.WaitForAsync(() => Discord.CallsTo("POST", $"channels/{Channel}/messages").FirstOrDefault(), "the channel upload");
        var status = Discord.OriginalMessageId(token)!;
        await Eventually.WaitUntilAsync(() => Content(status).Contains("Done", StringComparison.Ordinal), "the final status");

        Assert.True(upload.Files.ContainsKey("files[0]"));
        Assert.Equal(status, upload.Body!["message_reference"]!["message_id"]!.GetValue<string>());
        Assert.Equal($"Bot {FakeDiscordServer.Token}", upload.Authorization);
        Assert.NotEmpty(Discord.CallsTo("PATCH", $"channels/{Channel}/messages/{status}"));
    }

    [Fact]
    public async Task Restart_WhileRunning_DeliversExactlyOnce()
    {
        RunPod.Behavior.RunTime = TimeSpan.FromSeconds(4);
        var bot = await StartDiscordBotAsync();
        var (_, token) = await Discord.SendCommandAsync("generate", "a lighthouse in a storm");
        await Eventually.WaitUntilAsync(() => Discord.OriginalMessageId(token) is { } id && Content(id).Contains("Generating", StringComparison.Ordinal), "the job to run");

        await bot.StopAsync();
        await StartDiscordBotAsync();
        await Eventually.WaitForAsync(() => Discord.CallsTo("POST", WebhookPath(token)).FirstOrDefault(), "the video follow-up");
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Single(Discord.CallsTo("POST", WebhookPath(token)));
        Assert.Empty(Discord.CallsTo("POST", "channels/"));
        Assert.Equal(1, RunPod.RunCalls);
        Assert.Contains("Done", Content(Discord.OriginalMessageId(token)!));
    }

    [Fact]
    public async Task MissingAttachPermission_RefusesAtOnce()
    {
        await StartDiscordBotAsync();

        // View Channel, Send Messages and Read Message History, but not Attach Files.
        var permissions = ((1UL << 10) | (1UL << 11) | (1UL << 16)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (_, token) = await Discord.SendCommandAsync("generate", "a cat", appPermissions: permissions);

        await Eventually.WaitUntilAsync(() => Discord.OriginalMessageId(token) is { } id && Content(id).Contains("Attach Files", StringComparison.Ordinal), "the refusal");
        Assert.Equal(0, RunPod.RunCalls);
    }

    [Fact]
    public async Task CancelButton_StopsJobAndReturnsQuota()
    {
        RunPod.Behavior.RunTime = TimeSpan.FromSeconds(30);
        await StartDiscordBotAsync();
        var (_, token) = await Discord.SendCommandAsync("generate", "a very long film");
        await Eventually.WaitUntilAsync(() => Discord.OriginalMessageId(token) is { } id && Content(id).Contains("Generating", StringComparison.Ordinal), "the job to run");
        var status = Discord.OriginalMessageId(token)!;
        var button = Discord.MessageById(status)!["components"]![0]!["components"]![0]!["custom_id"]!.GetValue<string>();

        var (_, pressToken) = await Discord.PressButtonAsync(button, status);

        await Eventually.WaitUntilAsync(() => Content(status).Contains("Cancelled", StringComparison.Ordinal), "the cancelled status");
        var note = await Eventually.WaitForAsync(() => Discord.CallsTo("POST", WebhookPath(pressToken)).FirstOrDefault(), "the private note");
        Assert.Equal("Job #1 was cancelled, and it was not counted against your allowance.", note.Body!["content"]!.GetValue<string>());
        Assert.Equal(1, RunPod.CancelCalls);
        Assert.Empty(Discord.MessageById(status)!["components"]!.AsArray());
        var (_, quotaToken) = await Discord.SendCommandAsync("quota");
        await Eventually.WaitUntilAsync(() => Discord.OriginalMessageId(quotaToken) is { } id && Content(id).Contains("left: 5", StringComparison.Ordinal), "the quota");
    }

    [Fact]
    public async Task CancelButton_OtherUser_IsRefusedPrivately()
    {
        RunPod.Behavior.RunTime = TimeSpan.FromSeconds(30);
        await StartDiscordBotAsync();
        var (_, token) = await Discord.SendCommandAsync("generate", "a very long film");
        await Eventually.WaitUntilAsync(() => Discord.OriginalMessageId(token) is { } id && Content(id).Contains("Generating", StringComparison.Ordinal), "the job to run");
        var status = Discord.OriginalMessageId(token)!;

        var (_, pressToken) = await Discord.PressButtonAsync("cancel:1", status, userId: "900000000000000777");

        var note = await Eventually.WaitForAsync(() => Discord.CallsTo("POST", WebhookPath(pressToken)).FirstOrDefault(), "the private note");
        Assert.Equal(64, note.Body!["flags"]!.GetValue<int>());
        Assert.Contains("Only the person", note.Body["content"]!.GetValue<string>());
        Assert.Equal(0, RunPod.CancelCalls);
    }

    [Fact]
    public async Task BothPlatforms_InOneProcess()
    {
        await StartBotAsync(telegram: true, discord: true);
        await Eventually.WaitUntilAsync(() => Discord.IsReady, "the gateway session");

        Telegram.SendUserMessage(5001, 7001, "/generate a cat");
        var (_, token) = await Discord.SendCommandAsync("generate", "a dog");

        await VideoAsync(5001);
        await Eventually.WaitForAsync(() => Discord.CallsTo("POST", WebhookPath(token)).FirstOrDefault(), "the Discord video");
        Assert.Equal(2, RunPod.RunCalls);
    }

    [Fact]
    public async Task WrongToken_StopsBotNamingTheSetting()
    {
        var bot = await StartDiscordBotAsync(new Dictionary<string, string?> { ["Discord:BotToken"] = "d3Jvbmc.token.value" });

        await Eventually.WaitUntilAsync(() => bot.FatalErrors.Reason is not null, "the bot to stop");

        Assert.Contains("Discord:BotToken", bot.FatalErrors.Reason);
    }

    private Task<BotUnderTest> StartDiscordBotAsync(IReadOnlyDictionary<string, string?>? overrides = null) =>
        StartBotAsync(overrides, telegram: false, discord: true).ContinueWith(async task =>
        {
            var bot = await task;
            if (overrides?.ContainsKey("Discord:BotToken") != true)
            {
                await Eventually.WaitUntilAsync(() => Discord.IsReady, "the gateway session");
            }

            return bot;
        }, TaskScheduler.Default).Unwrap();

    private string Content(string messageId) => Discord.MessageById(messageId)?["content"]?.GetValue<string>() ?? string.Empty;
}
