using System.Globalization;
using Bot.Chat;
using Bot.Jobs;
using Bot.Moderation;
using Bot.Quotas;
using Bot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Tests.Moderation;

public sealed class ModerationServiceTests : IDisposable
{
    private static readonly ChatUser Moderator = new(ChatPlatform.Telegram, "1", "mod", IsChatModerator: true);
    private static readonly ChatUser NotModerator = new(ChatPlatform.Telegram, "2", "someone");
    private static readonly UserRef Subject = new(ChatPlatform.Telegram, "42", "user42");
    private static readonly ChatTarget Target = new("-100");

    private readonly TestPipeline _pipeline = new(allowance: 5);
    private readonly ModerationService _moderation;

    public ModerationServiceTests()
    {
        _moderation = new ModerationService(
            _pipeline.Database.Factory,
            _pipeline.Gate,
            _pipeline.Ledger,
            new TestOptions<ModerationOptions>(new ModerationOptions { PricePerGpuSecond = 0.001m }),
            _pipeline.Quotas,
            _pipeline.Time,
            NullLogger<ModerationService>.Instance);
    }

    public void Dispose() => _pipeline.Dispose();

    [Theory]
    [InlineData(ModeratorAction.QuotaSet)]
    [InlineData(ModeratorAction.Ban)]
    [InlineData(ModeratorAction.Unban)]
    [InlineData(ModeratorAction.Pause)]
    [InlineData(ModeratorAction.Stats)]
    public async Task NonModerator_ChangesNothing(ModeratorAction action)
    {
        var reply = await _moderation.HandleAsync(new ModerateCommand(NotModerator, Target, action, Subject, 50, "reason"), CancellationToken.None);

        Assert.Equal(ModerationService.NotModeratorText.ToPlainString(), reply.ToPlainString());
        await using var context = await _pipeline.Database.Factory.CreateDbContextAsync();
        Assert.Equal(0, await context.Users.CountAsync());
        Assert.Equal(0, await context.Settings.CountAsync());
        Assert.Equal(0, await context.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task Ban_RejectsGenerateWithoutJob()
    {
        await ModerateAsync(ModeratorAction.Ban, text: "spam");

        var outcome = await AcceptForSubjectAsync();

        Assert.Equal(AcceptResult.Banned, outcome.Result);
        Assert.Equal("spam", outcome.Message);
        await using var context = await _pipeline.Database.Factory.CreateDbContextAsync();
        Assert.Equal(0, await context.Jobs.CountAsync());
    }

    [Fact]
    public async Task Unban_ReallyUnbans()
    {
        await ModerateAsync(ModeratorAction.Ban);

        await ModerateAsync(ModeratorAction.Unban);
        var outcome = await AcceptForSubjectAsync();

        Assert.Equal(AcceptResult.Accepted, outcome.Result);
        await using var context = await _pipeline.Database.Factory.CreateDbContextAsync();
        var record = await context.Users.SingleAsync();
        Assert.Null(record.BannedAt);
        Assert.Null(record.BanReason);
    }

    [Fact]
    public async Task QuotaSet_ChangesTheAllowance()
    {
        await ModerateAsync(ModeratorAction.QuotaSet, number: 1);

        var first = await AcceptForSubjectAsync();
        var second = await AcceptForSubjectAsync();

        Assert.Equal(AcceptResult.Accepted, first.Result);
        Assert.Equal(AcceptResult.QuotaSpent, second.Result);
        Assert.Equal(1, second.Usage!.Allowance);
    }

    [Fact]
    public async Task QuotaGrant_AddsToThisPeriodOnly()
    {
        await ModerateAsync(ModeratorAction.QuotaGrant, number: 3);

        var usage = await UsageAsync();
        _pipeline.Time.Advance(TimeSpan.FromDays(1));
        var nextPeriod = await UsageAsync();

        Assert.Equal(8, usage.Allowance);
        Assert.Equal(3, usage.Granted);
        Assert.Equal(5, nextPeriod.Allowance);
    }

    [Fact]
    public async Task QuotaReset_ReturnsToDefault()
    {
        await ModerateAsync(ModeratorAction.QuotaSet, number: 50);

        await ModerateAsync(ModeratorAction.QuotaReset);

        Assert.Equal(5, (await UsageAsync()).Allowance);
    }

    [Theory]
    [InlineData(ModeratorAction.QuotaSet, -1)]
    [InlineData(ModeratorAction.QuotaSet, 100_001)]
    [InlineData(ModeratorAction.QuotaGrant, 0)]
    public async Task OutOfRangeNumber_IsRejected(ModeratorAction action, int number)
    {
        var reply = await ModerateAsync(action, number: number);

        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"whole number from {(action == ModeratorAction.QuotaSet ? 0 : 1)} to"), reply);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"(it is {number})"), reply);
        await using var context = await _pipeline.Database.Factory.CreateDbContextAsync();
        Assert.Equal(0, await context.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task MissingSubject_ExplainsHowToNameOne()
    {
        var reply = await _moderation.HandleAsync(new ModerateCommand(Moderator, Target, ModeratorAction.Ban), CancellationToken.None);

        Assert.StartsWith("Say which user", reply.ToPlainString());
    }

    [Fact]
    public async Task PauseAndResume_TurnRequestsAwayAndBack()
    {
        await ModerateAsync(ModeratorAction.Pause, text: "Back at 18:00");
        var paused = await AcceptForSubjectAsync();

        await ModerateAsync(ModeratorAction.Resume);
        var resumed = await AcceptForSubjectAsync();

        Assert.Equal(AcceptResult.Paused, paused.Result);
        Assert.Equal("Back at 18:00", paused.Message);
        Assert.Equal(AcceptResult.Accepted, resumed.Result);
    }

    [Fact]
    public async Task BanAgain_UpdatesReasonOnly()
    {
        await ModerateAsync(ModeratorAction.Ban, text: "spam");
        var bannedAt = await BannedAtAsync();
        _pipeline.Time.Advance(TimeSpan.FromHours(2));

        var updated = await ModerateAsync(ModeratorAction.Ban, text: "spam and abuse");
        var same = await ModerateAsync(ModeratorAction.Ban, text: "spam and abuse");

        Assert.Equal("user42 (42) was already banned; the reason is updated.", updated);
        Assert.Equal("user42 (42) is already banned for this reason; nothing changed.", same);
        Assert.NotNull(bannedAt);
        Assert.Equal(bannedAt, await BannedAtAsync());
        Assert.Equal(["banned: spam", "banned: spam and abuse"], await AuditedAfterAsync());
    }

    [Fact]
    public async Task ChangesThatChangeNothing_AreNotAudited()
    {
        var unban = await ModerateAsync(ModeratorAction.Unban);
        var reset = await ModerateAsync(ModeratorAction.QuotaReset);
        var resume = await ModerateAsync(ModeratorAction.Resume);

        Assert.Equal("user42 (42) was not banned; nothing changed.", unban);
        Assert.Equal("user42 (42) already has the default allowance of 5 videos per day; nothing changed.", reset);
        Assert.Equal("The bot was not paused; nothing changed.", resume);
        Assert.Empty(await AuditedAfterAsync());
    }

    [Fact]
    public async Task PauseAgain_UpdatesTheMessageOnce()
    {
        var first = await ModerateAsync(ModeratorAction.Pause, text: "Back at 18:00");
        var second = await ModerateAsync(ModeratorAction.Pause, text: "Back at 19:00");
        var third = await ModerateAsync(ModeratorAction.Pause, text: "Back at 19:00");
        var paused = await AcceptForSubjectAsync();

        Assert.Equal("The bot is paused: new requests are turned away with your message, and jobs already accepted still finish. Use /resume to take requests again.", first);
        Assert.Equal("The bot was already paused; new requests now get your new message. Use /resume to take requests again.", second);
        Assert.Equal("The bot is already paused with this message; nothing changed. Use /resume to take requests again.", third);
        Assert.Equal("Back at 19:00", paused.Message);
        Assert.Equal(["paused: Back at 18:00", "paused: Back at 19:00"], await AuditedAfterAsync());
    }

    [Theory]
    [InlineData(ModeratorAction.Ban, "The reason is 301 characters long; keep it to 300.")]
    [InlineData(ModeratorAction.Pause, "The message is 301 characters long; keep it to 300.")]
    public async Task LongText_IsRejected(ModeratorAction action, string expected)
    {
        var reply = await ModerateAsync(action, text: new string('x', 301));

        Assert.StartsWith(expected, reply);
        Assert.Empty(await AuditedAfterAsync());
    }

    [Fact]
    public async Task UnseenUser_IsNamedAsSuch()
    {
        var reply = (await _moderation.HandleAsync(
            new ModerateCommand(Moderator, Target, ModeratorAction.QuotaSet, new UserRef(ChatPlatform.Telegram, "555"), 3),
            CancellationToken.None)).ToPlainString();

        Assert.Equal("555 (not seen by the bot yet) may now make 3 videos per day.", reply);
    }

    [Fact]
    public async Task Actions_AreAuditedWithBeforeAndAfter()
    {
        await ModerateAsync(ModeratorAction.QuotaSet, number: 9);
        await ModerateAsync(ModeratorAction.Ban, text: "spam");

        var audit = await ModerateAsync(ModeratorAction.Audit);

        await using var context = await _pipeline.Database.Factory.CreateDbContextAsync();
        var entries = await context.AuditEntries.OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["quota set", "ban"], entries.Select(e => e.Action));
        Assert.Equal("default (5)", entries[0].Before);
        Assert.Equal("9", entries[0].After);
        Assert.Equal("banned: spam", entries[1].After);
        Assert.All(entries, entry => Assert.Equal(Moderator.Key, entry.ModeratorKey));
        Assert.Contains("quota set user42 (42) (default (5) → 9)", audit);
    }

    [Fact]
    public async Task Stats_CountJobsGpuTimeAndCost()
    {
        var job = await _pipeline.AcceptAsync();
        await _pipeline.Store.FinishAsync(job, JobState.Delivered, null, j => j.ExecutionMs = 120_000, CancellationToken.None);
        var failed = await _pipeline.AcceptAsync();
        await _pipeline.Store.FinishAsync(failed, JobState.Failed, "x", j => j.ExecutionMs = 30_000, CancellationToken.None);

        var stats = await ModerateAsync(ModeratorAction.Stats);

        Assert.Contains("Today: 2 jobs (1 ✅ delivered, 1 ❌ failed), 150 GPU seconds, about 0.15 USD (estimate).", stats);
        Assert.Contains("Now: no unfinished jobs.", stats);
    }

    [Fact]
    public async Task Stats_NamesUnfinishedJobsByState()
    {
        var running = await _pipeline.AcceptAsync();
        await _pipeline.Store.UpdateAsync(running, j => j.State = JobState.Submitted, CancellationToken.None);
        await _pipeline.AcceptAsync();
        await ModerateAsync(ModeratorAction.Pause);

        var stats = await ModerateAsync(ModeratorAction.Stats);

        Assert.Contains("Now: 1 ⏳ queued, 1 ⏳ waiting for a GPU; the bot is paused.", stats);
    }

    [Fact]
    public async Task Audit_CutsLongValues()
    {
        await ModerateAsync(ModeratorAction.Pause, text: new string('m', 250));

        var audit = await ModerateAsync(ModeratorAction.Audit);

        Assert.Contains("pause (running → paused: " + new string('m', 51) + "…)", audit);
        Assert.Contains("mod (1): pause", audit);
    }

    private async Task<string> ModerateAsync(ModeratorAction action, int? number = null, string? text = null) =>
        (await _moderation.HandleAsync(new ModerateCommand(Moderator, Target, action, action == ModeratorAction.Audit ? null : Subject, number, text), CancellationToken.None)).ToPlainString();

    private async Task<DateTimeOffset?> BannedAtAsync()
    {
        await using var context = await _pipeline.Database.Factory.CreateDbContextAsync();
        return (await context.Users.SingleAsync()).BannedAt;
    }

    private async Task<List<string?>> AuditedAfterAsync()
    {
        await using var context = await _pipeline.Database.Factory.CreateDbContextAsync();
        return await context.AuditEntries.OrderBy(a => a.Id).Select(a => a.After).ToListAsync();
    }

    private Task<AcceptOutcome> AcceptForSubjectAsync() =>
        _pipeline.Acceptor.AcceptAsync(TestPipeline.Generate(new ChatUser(ChatPlatform.Telegram, Subject.Id, "user42")), CancellationToken.None);

    private async Task<QuotaUsage> UsageAsync()
    {
        await using var context = await _pipeline.Database.Factory.CreateDbContextAsync();
        return await _pipeline.Ledger.GetUsageAsync(context, Subject.Key, ChatPlatform.Telegram, CancellationToken.None);
    }
}
