using System.Globalization;
using Bot.IntegrationTests.Support;

namespace Bot.IntegrationTests;

/// <summary>The user and moderator commands through the fake Telegram Bot API.</summary>
public sealed class TelegramCommandTests : BotTestBase
{
    private const long Group = -100_777;
    private const long Moderator = 1001;
    private const long Member = 2002;

    private static readonly Dictionary<string, string?> ModeratorSettings = new() { ["Moderation:TelegramUserIds:0"] = Moderator.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    [Fact]
    public async Task ModeratorCommand_NonModerator_Rejected()
    {
        await StartBotAsync(ModeratorSettings);

        var ban = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Member, "/ban 3003 spam", "supergroup"));
        var generate = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, 3003, "/generate a cat", "supergroup"));

        Assert.Contains("Only moderators", ban.Text);
        Assert.Contains("Queued", generate.Text);
    }

    [Fact]
    public async Task Ban_ThenUnban_RestoresGenerate()
    {
        await StartBotAsync(ModeratorSettings);

        var ban = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Moderator, $"/ban {Member} flooding", "supergroup"));
        var rejected = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Member, "/generate a cat", "supergroup"));
        await Task.Delay(500);
        var runsWhileBanned = RunPod.RunCalls;
        var unban = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Moderator, $"/unban {Member}", "supergroup"));
        var accepted = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Member, "/generate a dog", "supergroup"));

        Assert.Contains("is banned", ban.Text);
        Assert.Contains("a moderator banned you", rejected.Text);
        Assert.Contains("flooding", rejected.Text);
        Assert.Equal(0, runsWhileBanned);
        Assert.Contains("no longer banned", unban.Text);
        Assert.Contains("Queued", accepted.Text);
    }

    [Fact]
    public async Task ChatAdministrator_Moderates()
    {
        Telegram.MakeAdministrator(Group, 4004);
        await StartBotAsync(new Dictionary<string, string?> { ["Moderation:TelegramAdminChatIds:0"] = Group.ToString(CultureInfo.InvariantCulture) });

        var reply = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, 4004, $"/quota set {Member} 1", "supergroup"));

        Assert.Contains("may now make 1 video per day", reply.Text);
    }

    [Fact]
    public async Task ChatAdministrator_OfAnotherGroup_IsNotAModerator()
    {
        const long OtherGroup = -100888;
        Telegram.MakeAdministrator(OtherGroup, 4004);
        await StartBotAsync(new Dictionary<string, string?> { ["Moderation:TelegramAdminChatIds:0"] = Group.ToString(CultureInfo.InvariantCulture) });

        var reply = await ReplyToAsync(OtherGroup, Telegram.SendUserMessage(OtherGroup, 4004, $"/quota set {Member} 1", "supergroup"));
        var noUser = await ReplyToAsync(OtherGroup, Telegram.SendUserMessage(OtherGroup, 4004, "/ban", "supergroup"));

        Assert.Equal("Only moderators can use this command, so nothing was done.", reply.Text);
        Assert.Equal("Only moderators can use this command, so nothing was done.", noUser.Text);
    }

    [Fact]
    public async Task QuotaCommands_ByReply_ChangeTheAllowance()
    {
        await StartBotAsync(ModeratorSettings);
        var memberMessage = Telegram.SendUserMessage(Group, Member, "hello", "supergroup");

        await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Moderator, "/quota set 2", "supergroup", replyTo: memberMessage));
        await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Moderator, "/quota grant 3", "supergroup", replyTo: memberMessage));
        var show = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Moderator, "/quota show", "supergroup", replyTo: memberMessage));
        await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Moderator, "/quota reset", "supergroup", replyTo: memberMessage));
        var own = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Member, "/quota", "supergroup"));

        Assert.Contains("Allowance: 2 per day (set for this user; the default is 5), plus 3 granted today", show.Text);
        Assert.Contains("left: 5", show.Text);
        Assert.Contains("5 videos per day, plus 3 extra", own.Text);
        Assert.Contains("left: 8", own.Text);
    }

    [Fact]
    public async Task PauseAndResume_TurnRequestsAwayAndBack()
    {
        await StartBotAsync(ModeratorSettings);

        await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Moderator, "/pause maintenance until 18:00", "supergroup"));
        var paused = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Member, "/generate a cat", "supergroup"));
        await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Moderator, "/resume", "supergroup"));
        var resumed = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Member, "/generate a cat", "supergroup"));
        var audit = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Moderator, "/audit", "supergroup"));

        Assert.Contains("maintenance until 18:00", paused.Text);
        Assert.Contains("Queued", resumed.Text);
        Assert.Contains("pause", audit.Text);
        Assert.Contains("resume", audit.Text);
    }

    [Fact]
    public async Task Stats_ShowJobsAndCost()
    {
        await StartBotAsync(new Dictionary<string, string?>(ModeratorSettings) { ["Moderation:PricePerGpuSecond"] = "0.01" });
        Telegram.SendUserMessage(Group, Member, "/generate a cat", "supergroup");
        await VideoAsync(Group);

        var stats = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Moderator, "/stats", "supergroup"));

        Assert.Contains("Today: 1 job (1 ✅ delivered), 2 GPU seconds, about 0.02 USD (estimate).", stats.Text);
    }

    [Fact]
    public async Task Jobs_ListsOwnAndModeratorSeesOthers()
    {
        await StartBotAsync(ModeratorSettings);
        Telegram.SendUserMessage(Group, Member, "/generate a purple cat", "supergroup");
        await VideoAsync(Group);

        var own = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Member, "/jobs", "supergroup"));
        var others = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Moderator, $"/jobs {Member}", "supergroup"));
        var rejected = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, 3003, $"/jobs {Member}", "supergroup"));

        Assert.Contains("#1 · ✅ delivered", own.Text);
        Assert.Contains("a purple cat", own.Text);
        Assert.Contains("#1 · ✅ delivered", others.Text);
        Assert.Contains("Only moderators", rejected.Text);
    }

    [Fact]
    public async Task CancelCommand_StopsRunningJobAndReturnsQuota()
    {
        RunPod.Behavior.RunTime = TimeSpan.FromSeconds(30);
        await StartBotAsync();
        var status = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Member, "/generate a long film", "supergroup"));
        await Eventually.WaitUntilAsync(() => Telegram.TextOf(Group, status.MessageId)!.Contains("Generating", StringComparison.Ordinal), "the job to run");

        var cancel = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Member, "/cancel", "supergroup"));
        var quota = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Member, "/quota", "supergroup"));

        Assert.Contains("Job #1 was cancelled", cancel.Text);
        Assert.Equal(1, RunPod.CancelCalls);
        Assert.Contains("left: 5", quota.Text);
        await Eventually.WaitUntilAsync(() => Telegram.TextOf(Group, status.MessageId)!.Contains("Cancelled", StringComparison.Ordinal), "the cancelled status");
    }

    [Fact]
    public async Task ModeratorCancel_StopsAnyJob()
    {
        RunPod.Behavior.RunTime = TimeSpan.FromSeconds(30);
        await StartBotAsync(ModeratorSettings);
        var status = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Member, "/generate a long film", "supergroup"));

        var reply = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Moderator, "/cancel 1", "supergroup"));
        var audit = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Moderator, "/audit", "supergroup"));

        await Eventually.WaitUntilAsync(() => Telegram.TextOf(Group, status.MessageId)!.Contains("Cancelled", StringComparison.Ordinal), "the cancelled status");
        Assert.Contains("Job #1 of ", reply.Text);
        Assert.Contains("was cancelled, and it was not counted against their allowance.", reply.Text);
        Assert.Contains("A moderator cancelled this job.", Telegram.TextOf(Group, status.MessageId));
        Assert.Contains($"cancel User{Member} ({Member}) (job #1", audit.Text);
    }

    [Fact]
    public async Task Reroll_RedeliveredPress_StartsOneJob()
    {
        await StartBotAsync();
        Telegram.SendUserMessage(Group, Member, "/generate a cat", "supergroup");
        var video = await VideoAsync(Group);

        Telegram.PressButton(Group, Member, video.MessageId, "reroll:1", callbackId: "press-1");
        Telegram.PressButton(Group, Member, video.MessageId, "reroll:1", callbackId: "press-1");

        await Eventually.WaitUntilAsync(() => Telegram.ButtonAnswers.Count == 2, "both button answers");
        await Eventually.WaitUntilAsync(() => Telegram.MessagesTo(Group).Count(m => m.Method == "sendVideo") == 2, "the second video");
        Assert.Equal(2, RunPod.RunCalls);
        Assert.All(Telegram.ButtonAnswers, answer => Assert.Null(answer.Text));
    }

    [Fact]
    public async Task ModeratorCancel_ReplyToStatus_Cancels()
    {
        RunPod.Behavior.RunTime = TimeSpan.FromSeconds(30);
        await StartBotAsync(ModeratorSettings);
        var status = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Member, "/generate a long film", "supergroup"));

        var reply = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Moderator, "/cancel", "supergroup", replyTo: status.MessageId));

        Assert.StartsWith($"Job #1 of User{Member} ({Member}) was cancelled", reply.Text);
        await Eventually.WaitUntilAsync(() => Telegram.TextOf(Group, status.MessageId)!.Contains("Cancelled", StringComparison.Ordinal), "the cancelled status");
    }

    [Fact]
    public async Task Reroll_BySomeoneElse_IsRefused()
    {
        await StartBotAsync();
        Telegram.SendUserMessage(Group, Member, "/generate a cat", "supergroup");
        var video = await VideoAsync(Group);

        Telegram.PressButton(Group, 3003, video.MessageId, "reroll:1");

        await Eventually.WaitUntilAsync(() => Telegram.ButtonAnswers.Count == 1, "the button's answer");
        Assert.StartsWith("Only the person who asked for this video can re-roll it.", Telegram.ButtonAnswers.Single().Text);
        Assert.Equal(1, RunPod.RunCalls);
    }

    [Fact]
    public async Task Reroll_PressedTwiceInAMoment_StartsOneJob()
    {
        await StartBotAsync();
        Telegram.SendUserMessage(Group, Member, "/generate a cat", "supergroup");
        var video = await VideoAsync(Group);

        Telegram.PressButton(Group, Member, video.MessageId, "reroll:1");
        Telegram.PressButton(Group, Member, video.MessageId, "reroll:1");

        await Eventually.WaitUntilAsync(() => Telegram.ButtonAnswers.Count == 2, "both button answers");
        await Eventually.WaitUntilAsync(() => Telegram.MessagesTo(Group).Count(m => m.Method == "sendVideo") == 2, "the second video");
        Assert.Equal(2, RunPod.RunCalls);
        Assert.Null(Telegram.ButtonAnswers[0].Text);
        Assert.Equal("You pressed Re-roll a moment ago, and that video is already on its way.", Telegram.ButtonAnswers[1].Text);
    }

    [Fact]
    public async Task Reroll_SendsANewSeed()
    {
        await StartBotAsync();
        Telegram.SendUserMessage(Group, Member, "/generate a cat --seed 42", "supergroup");
        var video = await VideoAsync(Group);

        Assert.Equal(["Re-roll"], Telegram.ButtonsOf(Group, video.MessageId));
        Telegram.PressButton(Group, Member, video.MessageId, "reroll:1");

        await Eventually.WaitUntilAsync(() => Telegram.MessagesTo(Group).Count(m => m.Method == "sendVideo") == 2, "the second video");
        var seeds = RunPod.Inputs.Select(input => input["seed"]!.GetValue<long>()).ToList();
        Assert.Equal(42, seeds[0]);
        Assert.NotEqual(42, seeds[1]);
        Assert.Equal(RunPod.Inputs[0]["prompt"]!.GetValue<string>(), RunPod.Inputs[1]["prompt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Options_ReachTheWorker()
    {
        await StartBotAsync();

        Telegram.SendUserMessage(Group, Member, "/generate a cat --portrait --seed 7 --no blurry", "supergroup");
        await VideoAsync(Group);

        var input = Assert.Single(RunPod.Inputs);
        Assert.Equal("a cat", input["prompt"]!.GetValue<string>());
        Assert.Equal("704*1280", input["size"]!.GetValue<string>());
        Assert.Equal(7, input["seed"]!.GetValue<long>());
        Assert.Equal("blurry", input["negative_prompt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Photo_IsSentAsBase64()
    {
        await StartBotAsync();
        var image = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4 };

        Telegram.SendUserMessage(Group, Member, "/generate make it move", "supergroup", photo: image);
        await VideoAsync(Group);

        var input = Assert.Single(RunPod.Inputs);
        Assert.Equal(Convert.ToBase64String(image), input["image_base64"]!.GetValue<string>());
        Assert.Null(input["image_url"]);
    }

    [Fact]
    public async Task BlockedPrompt_IsRejectedAtOnce()
    {
        await StartBotAsync(new Dictionary<string, string?>(ModeratorSettings) { ["Moderation:BlockedTerms:0"] = "gore" });

        var reply = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Member, "/generate lots of gore", "supergroup"));
        var stats = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Moderator, "/stats", "supergroup"));

        Assert.Contains("not allowed on this bot", reply.Text);
        Assert.Equal(0, RunPod.RunCalls);
        Assert.Contains("Prompts rejected by the policy today: 1", stats.Text);
        Assert.Contains("lots of gore", stats.Text);
    }

    [Fact]
    public async Task Backlog_DoesNotDelayAnotherUsersFirstJob()
    {
        RunPod.Behavior.RunTime = TimeSpan.FromSeconds(1);
        await StartBotAsync(new Dictionary<string, string?> { ["RunPod:MaxInFlightJobs"] = "1", ["Quotas:MaxConcurrentJobsPerUser"] = "1" });

        for (var i = 1; i <= 5; i++)
        {
            await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Member, $"/generate backlog {i}", "supergroup"));
        }

        await ReplyToAsync(Group, Telegram.SendUserMessage(Group, 3003, "/generate the other user's first", "supergroup"));
        await Eventually.WaitUntilAsync(() => RunPod.Inputs.Count >= 3, "three submissions", TimeSpan.FromSeconds(40));

        var order = RunPod.Inputs.Select(input => input["prompt"]!.GetValue<string>()).ToList();
        Assert.Equal("backlog 1", order[0]);
        Assert.Equal("the other user's first", order[1]);
    }

    [Fact]
    public async Task QueuedStatus_ShowsPositionInLine()
    {
        RunPod.Behavior.RunTime = TimeSpan.FromSeconds(30);
        await StartBotAsync(new Dictionary<string, string?> { ["RunPod:MaxInFlightJobs"] = "1" });

        await ReplyToAsync(Group, Telegram.SendUserMessage(Group, Member, "/generate first", "supergroup"));
        var second = await ReplyToAsync(Group, Telegram.SendUserMessage(Group, 3003, "/generate second", "supergroup"));

        await Eventually.WaitUntilAsync(() => Telegram.TextOf(Group, second.MessageId)!.Contains("number 1 in line", StringComparison.Ordinal), "the position");
    }
}
