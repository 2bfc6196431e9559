using Bot.Fakes;
using System.Net;
using Bot.IntegrationTests.Support;
using Bot.RunPod.LocalEndpoint;

namespace Bot.IntegrationTests;

/// <summary>The whole pipeline: a Telegram update in, a video (or a clear reason) out.</summary>
public sealed class TelegramGenerateTests : BotTestBase
{
    private const long Chat = 5001;
    private const long User = 7001;

    [Fact]
    public async Task Generate_PostsStatusEditsAndVideo()
    {
        await StartBotAsync();

        var request = Telegram.SendUserMessage(Chat, User, "/generate a red fox running through snow");
        var status = await ReplyToAsync(Chat, request);
        var video = await VideoAsync(Chat);
        await Eventually.WaitUntilAsync(() => Telegram.TextOf(Chat, status.MessageId)!.Contains("Done", StringComparison.Ordinal), "the final status");

        Assert.Contains("Queued", status.Text);
        Assert.Equal("HTML", status.ParseMode, ignoreCase: true);
        Assert.Contains(Telegram.Edits, edit => edit.MessageId == status.MessageId && edit.Text.Contains("Generating", StringComparison.Ordinal));
        Assert.Equal(request, video.ReplyTo);
        Assert.Equal("ftyp"u8.ToArray(), video.Video![4..8]);
        Assert.Equal(119_898, video.Video.Length);
        Assert.Contains("a red fox running through snow", video.Text);
        Assert.Single(Telegram.MessagesTo(Chat), m => m.Method == "sendVideo");
        Assert.Equal("a red fox running through snow", RunPod.Inputs.Single()["prompt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Start_RegistersCommandMenu()
    {
        await StartBotAsync(new Dictionary<string, string?>
        {
            ["Moderation:TelegramAdminChatIds:0"] = "-100777",
            ["Moderation:TelegramUserIds:0"] = "2002",
        });

        await Eventually.WaitUntilAsync(() => Telegram.CommandMenus.Count == 3, "the three command menus");

        var commands = Telegram.Commands!.Select(c => c!["command"]!.GetValue<string>()).ToList();
        Assert.Equal(["generate", "quota", "jobs", "cancel", "help"], commands);
        string[] moderatorMenu = ["generate", "quota", "jobs", "cancel", "help", "ban", "unban", "stats", "pause", "resume", "audit"];
        Assert.Equal(moderatorMenu, Telegram.CommandMenus.Single(menu => menu.Scope == "chat_administrators:-100777").Commands);
        Assert.Equal(moderatorMenu, Telegram.CommandMenus.Single(menu => menu.Scope == "chat:2002").Commands);
        Assert.DoesNotContain(Telegram.CommandMenus, menu => menu.Scope == "all_chat_administrators");
    }

    [Fact]
    public async Task Restart_WhileRunning_DeliversExactlyOnce()
    {
        RunPod.Behavior.RunTime = TimeSpan.FromSeconds(4);
        var bot = await StartBotAsync();
        var request = Telegram.SendUserMessage(Chat, User, "/generate a lighthouse in a storm");
        var status = await ReplyToAsync(Chat, request);
        await Eventually.WaitUntilAsync(
            () => Telegram.TextOf(Chat, status.MessageId)!.Contains("Generating", StringComparison.Ordinal),
            "the job to run");

        await bot.StopAsync();
        await StartBotAsync();
        await VideoAsync(Chat);
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Single(Telegram.MessagesTo(Chat), m => m.Method == "sendVideo");
        Assert.Equal(1, RunPod.RunCalls);
        Assert.Contains("Done", Telegram.TextOf(Chat, status.MessageId));
    }

    [Fact]
    public async Task WorkerFailure_ExplainsAndReturnsQuota()
    {
        RunPod.Behavior.FailureMessage = "The GPU ran out of memory making 121 frames at 1280*704.";
        await StartBotAsync();

        var request = Telegram.SendUserMessage(Chat, User, "/generate a cat");
        var status = await ReplyToAsync(Chat, request);
        await Eventually.WaitUntilAsync(() => Telegram.TextOf(Chat, status.MessageId)!.Contains("Failed", StringComparison.Ordinal), "the failure");
        var quotaRequest = Telegram.SendUserMessage(Chat, User, "/quota");
        var quota = await ReplyToAsync(Chat, quotaRequest);

        Assert.Contains("The GPU ran out of memory", Telegram.TextOf(Chat, status.MessageId));
        Assert.Contains("left: 5", quota.Text);
        Assert.DoesNotContain(Telegram.MessagesTo(Chat), m => m.Method == "sendVideo");
    }

    [Fact]
    public async Task AllowanceSpent_RefusesWithoutRunPodJob()
    {
        await StartBotAsync(new Dictionary<string, string?> { ["Quotas:DefaultAllowance"] = "1" });
        var first = Telegram.SendUserMessage(Chat, User, "/generate a cat");
        await ReplyToAsync(Chat, first);

        var second = Telegram.SendUserMessage(Chat, User, "/generate a dog");
        var rejection = await ReplyToAsync(Chat, second);
        await VideoAsync(Chat);

        Assert.Contains("You have used your daily allowance of 1 video", rejection.Text);
        Assert.Contains("resets in", rejection.Text);
        Assert.Equal(1, RunPod.RunCalls);
    }

    [Fact]
    public async Task QueuedJob_StartsWhenSlotFrees()
    {
        await StartBotAsync();

        Telegram.SendUserMessage(Chat, User, "/generate a cat");
        Telegram.SendUserMessage(Chat, User, "/generate a dog");

        // One job per user runs at a time. The second starts when the first leaves RunPod, not at the
        // dispatcher's next idle check 30 seconds later.
        await Eventually.WaitUntilAsync(
            () => Telegram.MessagesTo(Chat).Count(m => m.Method == "sendVideo") == 2,
            "both videos",
            TimeSpan.FromSeconds(20));
        Assert.Equal(2, RunPod.RunCalls);
    }

    [Fact]
    public async Task OneChat_RepliesInOrder()
    {
        RunPod.Behavior.RunTime = TimeSpan.FromSeconds(30);
        await StartBotAsync();

        var generate = Telegram.SendUserMessage(Chat, User, "/generate a cat");
        var quota = Telegram.SendUserMessage(Chat, User, "/quota");
        var status = await ReplyToAsync(Chat, generate);
        var quotaReply = await ReplyToAsync(Chat, quota);

        Assert.True(status.MessageId < quotaReply.MessageId, "The /quota reply overtook the /generate before it.");
        Assert.Contains("in progress: 1", quotaReply.Text);
    }

    [Fact]
    public async Task EmptyPrompt_GetsUsageAndNoJob()
    {
        await StartBotAsync();

        var request = Telegram.SendUserMessage(Chat, User, "/generate");
        var reply = await ReplyToAsync(Chat, request);

        Assert.Contains("Please describe the video", reply.Text);
        Assert.Contains("/generate a red fox running through snow", reply.Text);
        Assert.Equal(0, RunPod.RunCalls);
    }

    [Fact]
    public async Task LongPrompt_IsRefusedWithTheLimit()
    {
        await StartBotAsync();

        var request = Telegram.SendUserMessage(Chat, User, "/generate " + new string('a', 1001));
        var reply = await ReplyToAsync(Chat, request);

        Assert.Contains("1001 characters", reply.Text);
        Assert.Contains("the limit is 1000", reply.Text);
        Assert.Equal(0, RunPod.RunCalls);
    }

    [Fact]
    public async Task PromptWithMarkup_IsEscaped()
    {
        await StartBotAsync();

        Telegram.SendUserMessage(Chat, User, "/generate <b>bold</b> & fox");
        var video = await VideoAsync(Chat);

        Assert.Contains("&lt;b&gt;bold&lt;/b&gt; &amp; fox", video.Text);
    }

    [Fact]
    public async Task TwoChats_NeitherWaitsForTheOther()
    {
        const long slowChat = 5100;
        const long otherChat = 5200;
        Telegram.DelayChat(slowChat, TimeSpan.FromSeconds(5));
        await StartBotAsync();

        var slowRequest = Telegram.SendUserMessage(slowChat, 1, "/help");
        await Task.Delay(200);
        var otherRequest = Telegram.SendUserMessage(otherChat, 2, "/help");
        var otherReply = await ReplyToAsync(otherChat, otherRequest);
        var slowReply = await ReplyToAsync(slowChat, slowRequest);

        Assert.True(otherReply.At < slowReply.At, "The reply in the other chat waited for the slow chat.");
    }

    [Fact]
    public async Task TwoChats_GenerateAtOnce_BothDelivered()
    {
        await StartBotAsync();

        Telegram.SendUserMessage(5100, 1, "/generate a cat");
        Telegram.SendUserMessage(5200, 2, "/generate a dog");

        await VideoAsync(5100);
        await VideoAsync(5200);
        Assert.Equal(2, RunPod.RunCalls);
    }

    [Fact]
    public async Task RateLimited_WaitsRetryAfter()
    {
        Telegram.FailNext("sendMessage", 429, "Too Many Requests: retry after 1", retryAfter: 1);
        await StartBotAsync();

        var started = TimeProvider.System.GetUtcNow();
        var request = Telegram.SendUserMessage(Chat, User, "/help");
        var reply = await ReplyToAsync(Chat, request);

        Assert.True(reply.At - started >= TimeSpan.FromSeconds(1), "The reply came before retry_after passed.");
        Assert.Equal(2, Telegram.Calls.Count(call => call == "sendmessage"));
    }

    [Fact]
    public async Task Quota_ShowsAllowanceAndReset()
    {
        await StartBotAsync();

        var request = Telegram.SendUserMessage(Chat, User, "/quota");
        var reply = await ReplyToAsync(Chat, request);

        Assert.Contains("5 videos per day", reply.Text);
        Assert.Contains("left: 5", reply.Text);
        Assert.Contains("UTC", reply.Text);
    }

    [Fact]
    public async Task CommandForOtherBot_IsIgnored()
    {
        await StartBotAsync();

        Telegram.SendUserMessage(-100_500, User, "/generate@SomeOtherBot a cat", "supergroup");
        var request = Telegram.SendUserMessage(-100_500, User, $"/help@{FakeTelegramServer.Username}", "supergroup");
        await ReplyToAsync(-100_500, request);

        Assert.Single(Telegram.MessagesTo(-100_500));
        Assert.Equal(0, RunPod.RunCalls);
    }

    [Fact]
    public async Task LargeVideo_IsPostedAsLink()
    {
        RunPod.Behavior.OutputMode = LocalOutputMode.Url;
        RunPod.Behavior.VideoOverride = LargeMp4(1_500_000);
        await StartBotAsync(new Dictionary<string, string?> { ["Telegram:MaxUploadBytes"] = "1000000" });

        var request = Telegram.SendUserMessage(Chat, User, "/generate a waterfall");
        var status = await ReplyToAsync(Chat, request);
        var link = await Eventually.WaitForAsync(
            () => Telegram.MessagesTo(Chat).FirstOrDefault(m => m.Text.Contains("download link", StringComparison.Ordinal)),
            "the link message");
        await Eventually.WaitUntilAsync(() => Telegram.TextOf(Chat, status.MessageId)!.Contains("Done", StringComparison.Ordinal), "the final status");

        Assert.Contains("/files/", link.Text);
        Assert.Contains("1.5 MB", link.Text);
        Assert.DoesNotContain(Telegram.MessagesTo(Chat), m => m.Method == "sendVideo");
        Assert.Contains("sent as a link", Telegram.TextOf(Chat, status.MessageId));
    }

    [Fact]
    public async Task Upload413_FallsBackToLink()
    {
        RunPod.Behavior.OutputMode = LocalOutputMode.Url;
        Telegram.FailNext("sendVideo", 413, "Request Entity Too Large");
        await StartBotAsync();

        Telegram.SendUserMessage(Chat, User, "/generate a waterfall");

        await Eventually.WaitForAsync(
            () => Telegram.MessagesTo(Chat).FirstOrDefault(m => m.Text.Contains("download link", StringComparison.Ordinal)),
            "the link message");
        Assert.DoesNotContain(Telegram.MessagesTo(Chat), m => m.Method == "sendVideo");
    }

    [Fact]
    public async Task ExpiredJob_ExplainsAndReturnsQuota()
    {
        RunPod.Behavior.ExpireJobs = true;
        await StartBotAsync();

        var request = Telegram.SendUserMessage(Chat, User, "/generate a cat");
        var status = await ReplyToAsync(Chat, request);
        await Eventually.WaitUntilAsync(() => Telegram.TextOf(Chat, status.MessageId)!.Contains("Expired", StringComparison.Ordinal), "the expiry");
        var quota = await ReplyToAsync(Chat, Telegram.SendUserMessage(Chat, User, "/quota"));

        Assert.Contains("left: 5", quota.Text);
    }

    [Fact]
    public async Task MissingOutput_FailsClearly()
    {
        RunPod.Behavior.OutputMode = LocalOutputMode.Missing;
        await StartBotAsync();

        var request = Telegram.SendUserMessage(Chat, User, "/generate a cat");
        var status = await ReplyToAsync(Chat, request);
        await Eventually.WaitUntilAsync(() => Telegram.TextOf(Chat, status.MessageId)!.Contains("Failed", StringComparison.Ordinal), "the failure");

        Assert.Contains("without a usable video", Telegram.TextOf(Chat, status.MessageId));
    }

    [Fact]
    public async Task RunPodTimedOut_IsReported()
    {
        RunPod.Behavior.TimeOutJobs = true;
        await StartBotAsync();

        var request = Telegram.SendUserMessage(Chat, User, "/generate a cat");
        var status = await ReplyToAsync(Chat, request);

        await Eventually.WaitUntilAsync(() => Telegram.TextOf(Chat, status.MessageId)!.Contains("Timed out", StringComparison.Ordinal), "the timeout");
    }

    [Fact]
    public async Task RunPodUnavailable_JobWaitsThenRuns()
    {
        // With one retry per call, the first attempt to submit gives up after two 503s, so the job waits in
        // the bot. The next attempt gets through.
        for (var i = 0; i < 3; i++)
        {
            RunPod.Behavior.Inject(new InjectedFault("run", HttpStatusCode.ServiceUnavailable));
        }

        await StartBotAsync(new Dictionary<string, string?> { ["RunPod:MaxRetries"] = "1" });

        Telegram.SendUserMessage(Chat, User, "/generate a cat");

        await VideoAsync(Chat);
        Assert.Equal(4, RunPod.RunCalls);
        Assert.Single(RunPod.Inputs);
    }

    [Fact]
    public async Task RunPod401_StopsBotKeepsJob()
    {
        RunPod.Behavior.Inject(new InjectedFault("run", HttpStatusCode.Unauthorized));
        var bot = await StartBotAsync();

        Telegram.SendUserMessage(Chat, User, "/generate a cat");

        await Eventually.WaitUntilAsync(() => bot.FatalErrors.Reason is not null, "the bot to stop");
        Assert.Contains("RunPod:ApiKey", bot.FatalErrors.Reason);
        Assert.DoesNotContain("test-key", bot.FatalErrors.Reason);
        Assert.Empty(RunPod.Inputs);

        await bot.StopAsync();
        await StartBotAsync();
        await VideoAsync(Chat);
    }

    [Fact]
    public async Task TelegramRejectsToken_StopsBotNamingTheSetting()
    {
        Telegram.RejectToken = true;

        var bot = await StartBotAsync();

        await Eventually.WaitUntilAsync(() => bot.FatalErrors.Reason is not null, "the bot to stop");
        Assert.Contains("Telegram:BotToken", bot.FatalErrors.Reason);
    }

    [Fact]
    public async Task CancelButton_StopsJobAndReturnsQuota()
    {
        RunPod.Behavior.RunTime = TimeSpan.FromSeconds(30);
        await StartBotAsync();
        var request = Telegram.SendUserMessage(Chat, User, "/generate a very long film");
        var status = await ReplyToAsync(Chat, request);
        await Eventually.WaitUntilAsync(() => Telegram.TextOf(Chat, status.MessageId)!.Contains("Generating", StringComparison.Ordinal), "the job to run");

        Assert.Equal(["Cancel"], Telegram.ButtonsOf(Chat, status.MessageId));
        Telegram.PressButton(Chat, User, status.MessageId, "cancel:1");

        await Eventually.WaitUntilAsync(() => Telegram.TextOf(Chat, status.MessageId)!.Contains("Cancelled", StringComparison.Ordinal), "the cancelled status");
        await Eventually.WaitUntilAsync(() => Telegram.ButtonAnswers.Count == 1, "the button's answer");
        Assert.Equal(1, RunPod.CancelCalls);
        Assert.Empty(Telegram.ButtonsOf(Chat, status.MessageId));
        Assert.Equal("Job #1 was cancelled, and it was not counted against your allowance.", Telegram.ButtonAnswers[0].Text);
        var quota = await ReplyToAsync(Chat, Telegram.SendUserMessage(Chat, User, "/quota"));
        Assert.Contains("left: 5", quota.Text);
    }

    [Fact]
    public async Task CancelButton_OtherUser_GetsNote()
    {
        RunPod.Behavior.RunTime = TimeSpan.FromSeconds(30);
        await StartBotAsync();
        var status = await ReplyToAsync(Chat, Telegram.SendUserMessage(Chat, User, "/generate a very long film"));

        Telegram.PressButton(Chat, User + 1, status.MessageId, "cancel:1");

        await Eventually.WaitUntilAsync(() => Telegram.ButtonAnswers.Count == 1, "the button's answer");
        Assert.Contains("Only the person", Telegram.ButtonAnswers[0].Text);
        Assert.Equal(0, RunPod.CancelCalls);
        Assert.DoesNotContain("Cancelled", Telegram.TextOf(Chat, status.MessageId));
    }

    private static byte[] LargeMp4(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        "\0\0\0\u0018ftypisom"u8.CopyTo(bytes);
        return bytes;
    }
}
