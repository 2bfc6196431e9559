using Bot.Fakes;
using Bot.IntegrationTests.Support;

namespace Bot.IntegrationTests;

/// <summary>The user and moderator commands through the fake Discord.</summary>
public sealed class DiscordCommandTests : BotTestBase
{
    private const string Member = "900000000000000001";
    private const string Other = "900000000000000002";

    // Everything the bot needs in the channel, but no Manage Server for the member.
    private const string MemberPermissions = "2248473465835073";

    private static string WebhookPath(string token) => $"webhooks/{FakeDiscordServer.ApplicationId}/{token}";

    [Fact]
    public async Task ModCommand_NonModerator_Rejected()
    {
        await StartDiscordAsync();

        var (_, token) = await Discord.SendModCommandAsync("ban", Other, memberPermissions: MemberPermissions);

        Assert.Contains("Only moderators", await ReplyAsync(token));
        var (_, generate) = await Discord.SendCommandAsync("generate", "a cat", userId: Other);
        Assert.Contains("Queued", await ReplyAsync(generate));
    }

    [Fact]
    public async Task ModBan_ThenUnban_ByManageServer()
    {
        await StartDiscordAsync(new Dictionary<string, string?> { ["Moderation:DiscordManagerGuildIds:0"] = "1100000000000000000" });

        var (_, ban) = await Discord.SendModCommandAsync("ban", Other, memberPermissions: "32");
        Assert.Contains("is banned", await ReplyAsync(ban));
        var (_, rejected) = await Discord.SendCommandAsync("generate", "a cat", userId: Other);
        Assert.Contains("a moderator banned you", await ReplyAsync(rejected));
        Assert.Equal(0, RunPod.RunCalls);

        var (_, unban) = await Discord.SendModCommandAsync("unban", Other, memberPermissions: "32");
        Assert.Contains("no longer banned", await ReplyAsync(unban));
        var (_, accepted) = await Discord.SendCommandAsync("generate", "a dog", userId: Other);
        Assert.Contains("Queued", await ReplyAsync(accepted));
    }

    [Fact]
    public async Task ManageServer_UnlistedServer_NotModerator()
    {
        await StartDiscordAsync(new Dictionary<string, string?> { ["Moderation:DiscordManagerGuildIds:0"] = "1100000000000000099" });

        var (_, ban) = await Discord.SendModCommandAsync("ban", Other, memberPermissions: "32");

        Assert.Equal("Only moderators can use this command, so nothing was done.", await ReplyAsync(ban));
    }

    [Fact]
    public async Task ConfiguredRole_Moderates()
    {
        await StartDiscordAsync(new Dictionary<string, string?> { ["Moderation:DiscordRoleIds:0"] = "777" });

        var (_, token) = await Discord.SendModCommandAsync("stats", null, memberPermissions: MemberPermissions, roles: ["777"]);

        Assert.Contains("Today: 0 jobs", await ReplyAsync(token));
    }

    [Fact]
    public async Task Generate_Options_ReachTheWorker()
    {
        await StartDiscordAsync();

        var (_, token) = await Discord.SendCommandAsync("generate", "a cat", extraOptions:
        [
            ("aspect", 3, "portrait"),
            ("seed", 4, 7L),
            ("negative_prompt", 3, "blurry"),
        ]);
        await Eventually.WaitForAsync(() => Discord.CallsTo("POST", WebhookPath(token)).FirstOrDefault(), "the video");

        var input = Assert.Single(RunPod.Inputs);
        Assert.Equal("704*1280", input["size"]!.GetValue<string>());
        Assert.Equal(7, input["seed"]!.GetValue<long>());
        Assert.Equal("blurry", input["negative_prompt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Generate_WithImage_SendsItsUrl()
    {
        await StartDiscordAsync();

        var (_, token) = await Discord.SendCommandAsync("generate", "make it move", imageUrl: "https://cdn.discordapp.com/attachments/1/2/cat.png?ex=abc");
        await Eventually.WaitForAsync(() => Discord.CallsTo("POST", WebhookPath(token)).FirstOrDefault(), "the video");

        var input = Assert.Single(RunPod.Inputs);
        Assert.Equal("https://cdn.discordapp.com/attachments/1/2/cat.png?ex=abc", input["image_url"]!.GetValue<string>());
    }

    [Fact]
    public async Task Jobs_And_Cancel_AreReplies()
    {
        RunPod.Behavior.RunTime = TimeSpan.FromSeconds(30);
        await StartDiscordAsync();
        var (_, generate) = await Discord.SendCommandAsync("generate", "a long film");
        await Eventually.WaitUntilAsync(() => Discord.OriginalMessageId(generate) is { } id && Content(id).Contains("Generating", StringComparison.Ordinal), "the job to run");

        var (_, jobs) = await Discord.SendCommandAsync("jobs");
        Assert.Contains("#1 · 🎬 generating", await ReplyAsync(jobs));
        var (_, cancel) = await Discord.SendCommandAsync("cancel");
        Assert.Contains("Job #1 was cancelled", await ReplyAsync(cancel));

        Assert.Equal(1, RunPod.CancelCalls);
        await Eventually.WaitUntilAsync(() => Content(Discord.OriginalMessageId(generate)!).Contains("Cancelled", StringComparison.Ordinal), "the cancelled status");
    }

    [Fact]
    public async Task Reroll_SendsANewSeedAsANewMessage()
    {
        await StartDiscordAsync();
        var (_, token) = await Discord.SendCommandAsync("generate", "a cat", extraOptions: [("seed", 4, 42L)]);
        var video = await Eventually.WaitForAsync(() => Discord.CallsTo("POST", WebhookPath(token)).FirstOrDefault(), "the video");
        var videoMessage = Discord.Calls.Count(call => call.Path == WebhookPath(token));
        var button = video.Body!["components"]![0]!["components"]![0]!;
        Assert.Equal("Re-roll", button["label"]!.GetValue<string>());

        var (pressId, pressToken) = await Discord.PressButtonAsync(button["custom_id"]!.GetValue<string>(), "any");

        await Eventually.WaitForAsync(() => Discord.CallsTo("POST", WebhookPath(pressToken)).FirstOrDefault(), "the re-rolled video");
        var defer = Assert.Single(Discord.CallsTo("POST", $"interactions/{pressId}/"));
        Assert.Equal(5, defer.Body!["type"]!.GetValue<int>());
        Assert.Equal(42, RunPod.Inputs[0]["seed"]!.GetValue<long>());
        Assert.NotEqual(42, RunPod.Inputs[1]["seed"]!.GetValue<long>());
        Assert.Equal(1, videoMessage);
    }

    [Fact]
    public async Task Reroll_BySomeoneElse_IsRefusedPrivately()
    {
        await StartDiscordAsync();
        var (_, token) = await Discord.SendCommandAsync("generate", "a cat");
        var video = await Eventually.WaitForAsync(() => Discord.CallsTo("POST", WebhookPath(token)).FirstOrDefault(), "the video");
        var customId = video.Body!["components"]![0]!["components"]![0]!["custom_id"]!.GetValue<string>();

        var (_, pressToken) = await Discord.PressButtonAsync(customId, "any", userId: Other);

        var note = await Eventually.WaitForAsync(() => Discord.CallsTo("POST", WebhookPath(pressToken)).FirstOrDefault(), "the private note");
        Assert.Equal("Only the person who asked for this video can re-roll it. Use /generate with your own description.", note.Body!["content"]!.GetValue<string>());
        Assert.Equal(64, note.Body["flags"]!.GetValue<int>());
        Assert.Single(Discord.CallsTo("DELETE", WebhookPath(pressToken)));
        Assert.Equal(1, RunPod.RunCalls);
    }

    [Fact]
    public async Task BlockedPrompt_IsRejectedAtOnce()
    {
        await StartDiscordAsync(new Dictionary<string, string?> { ["Moderation:BlockedPatterns:0"] = @"\bgore\b" });

        var (_, token) = await Discord.SendCommandAsync("generate", "so much GORE");

        Assert.Contains("not allowed on this bot", await ReplyAsync(token));
        Assert.Equal(0, RunPod.RunCalls);
    }

    private async Task StartDiscordAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        await StartBotAsync(overrides, telegram: false, discord: true);
        await Eventually.WaitUntilAsync(() => Discord.IsReady, "the gateway session");
    }

    /// <summary>Waits for the reply that replaced the interaction's deferred response, and returns its text.</summary>
    private async Task<string> ReplyAsync(string token)
    {
        await Eventually.WaitUntilAsync(() => Discord.OriginalMessageId(token) is { } id && Content(id).Length > 0, "the reply");
        return Content(Discord.OriginalMessageId(token)!);
    }

    private string Content(string messageId) => Discord.MessageById(messageId)?["content"]?.GetValue<string>() ?? string.Empty;
}
