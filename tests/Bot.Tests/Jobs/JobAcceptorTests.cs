using Bot.Jobs;
using Bot.Quotas;
using Bot.Storage;
using Bot.Tests.Support;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Bot.Tests.Jobs;

public sealed class JobAcceptorTests : IDisposable
{
    private readonly TestPipeline _pipeline = new(allowance: 5);

    public void Dispose() => _pipeline.Dispose();

    [Fact]
    public async Task Accept_ValidRequest_StoresJobAndReservation()
    {
        var outcome = await _pipeline.Acceptor.AcceptAsync(TestPipeline.Generate(TestPipeline.User()), CancellationToken.None);

        Assert.Equal(AcceptResult.Accepted, outcome.Result);
        await using var context = await _pipeline.Database.Factory.CreateDbContextAsync();
        var job = await context.Jobs.SingleAsync();
        Assert.Equal(JobState.Accepted, job.State);
        Assert.Equal("ti2v-5B", job.Task);
        Assert.Equal("1280*704", job.Size);
        var entry = await context.QuotaEntries.SingleAsync();
        Assert.Equal(job.Id, entry.JobId);
        Assert.Equal(QuotaEntryStatus.Reserved, entry.Status);
    }

    [Fact]
    public async Task Accept_TwentyConcurrentRequests_AcceptsExactlyTheAllowance()
    {
        // Every quota read is followed by a pause, so without SQLite's write lock the requests would read the
        // same count before any of them stores its reservation. Two acceptors with their own write gates stand
        // for two processes on one database file, so the lock is tested, not only the in-process gate.
        using var pipeline = new TestPipeline(allowance: 5, new PauseAfterQuotaRead(TimeSpan.FromMilliseconds(30)));
        using var otherGate = new WriteGate();
        var acceptors = new[] { pipeline.Acceptor, pipeline.CreateAcceptor(otherGate) };
        var user = TestPipeline.User();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => acceptors[i % 2].AcceptAsync(TestPipeline.Generate(user), CancellationToken.None))));

        Assert.Equal(5, outcomes.Count(o => o.Result == AcceptResult.Accepted));
        Assert.Equal(15, outcomes.Count(o => o.Result == AcceptResult.QuotaSpent));
        await using var context = await pipeline.Database.Factory.CreateDbContextAsync();
        Assert.Equal(5, await context.Jobs.CountAsync());
        Assert.Equal(5, await context.QuotaEntries.CountAsync(e => e.Status == QuotaEntryStatus.Reserved));
    }

    [Fact]
    public async Task Accept_OtherUserUnaffectedBySpentAllowance()
    {
        for (var i = 0; i < 5; i++)
        {
            await _pipeline.AcceptAsync(TestPipeline.User("1"));
        }

        var outcome = await _pipeline.Acceptor.AcceptAsync(TestPipeline.Generate(TestPipeline.User("2")), CancellationToken.None);

        Assert.Equal(AcceptResult.Accepted, outcome.Result);
    }

    [Fact]
    public async Task Accept_SameMessageTwice_StoresOneJob()
    {
        var command = TestPipeline.Generate(TestPipeline.User(), requestKey: "telegram:-100:7");

        var first = await _pipeline.Acceptor.AcceptAsync(command, CancellationToken.None);
        var second = await _pipeline.Acceptor.AcceptAsync(command, CancellationToken.None);

        Assert.Equal(AcceptResult.Accepted, first.Result);
        Assert.Equal(AcceptResult.Duplicate, second.Result);
        await using var context = await _pipeline.Database.Factory.CreateDbContextAsync();
        Assert.Equal(1, await context.Jobs.CountAsync());
        Assert.Equal(1, await context.QuotaEntries.CountAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("a fox\u0007")]
    public async Task Accept_InvalidPrompt_LeavesNothingBehind(string prompt)
    {
        var outcome = await _pipeline.Acceptor.AcceptAsync(TestPipeline.Generate(TestPipeline.User(), prompt), CancellationToken.None);

        Assert.Equal(AcceptResult.InvalidPrompt, outcome.Result);
        await using var context = await _pipeline.Database.Factory.CreateDbContextAsync();
        Assert.Equal(0, await context.Jobs.CountAsync());
        Assert.Equal(0, await context.QuotaEntries.CountAsync());
    }

    [Fact]
    public async Task Accept_ReleasedReservation_FreesTheVideo()
    {
        _pipeline.Quotas.CurrentValue = new QuotaOptions { DefaultAllowance = 1 };
        var job = await _pipeline.AcceptAsync();
        await _pipeline.Store.FinishAsync(job, JobState.Failed, "worker failed", change: null, CancellationToken.None);

        var outcome = await _pipeline.Acceptor.AcceptAsync(TestPipeline.Generate(TestPipeline.User()), CancellationToken.None);

        Assert.Equal(AcceptResult.Accepted, outcome.Result);
    }

    [Fact]
    public async Task Accept_Portrait_UsesTheTasksPortraitSize()
    {
        var command = TestPipeline.Generate(TestPipeline.User()) with { Aspect = Bot.Chat.VideoAspect.Portrait };

        var outcome = await _pipeline.Acceptor.AcceptAsync(command, CancellationToken.None);

        Assert.Equal("704*1280", outcome.Job!.Size);
    }

    [Fact]
    public async Task Accept_NegativeSeed_IsInvalid()
    {
        var command = TestPipeline.Generate(TestPipeline.User()) with { Seed = -1 };

        var outcome = await _pipeline.Acceptor.AcceptAsync(command, CancellationToken.None);

        Assert.Equal(AcceptResult.InvalidRequest, outcome.Result);
        Assert.Contains("seed", outcome.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Accept_ImageBytes_AreStoredWithTheJob()
    {
        var command = TestPipeline.Generate(TestPipeline.User()) with { Image = new Bot.Chat.ChatImage(null, [1, 2, 3], "image/png") };

        var outcome = await _pipeline.Acceptor.AcceptAsync(command, CancellationToken.None);

        Assert.True(outcome.Job!.HasStoredImage);
        var image = await _pipeline.Store.FindImageAsync(outcome.Job.Id, CancellationToken.None);
        Assert.Equal(new byte[] { 1, 2, 3 }, image!.Bytes);
    }

    [Fact]
    public async Task Accept_NewPeriod_ResetsAllowance()
    {
        _pipeline.Quotas.CurrentValue = new QuotaOptions { DefaultAllowance = 1 };
        var job = await _pipeline.AcceptAsync();
        await _pipeline.Store.FinishAsync(job, JobState.Delivered, null, change: null, CancellationToken.None);
        var spent = await _pipeline.Acceptor.AcceptAsync(TestPipeline.Generate(TestPipeline.User()), CancellationToken.None);

        _pipeline.Time.Advance(TimeSpan.FromDays(1));
        var next = await _pipeline.Acceptor.AcceptAsync(TestPipeline.Generate(TestPipeline.User()), CancellationToken.None);

        Assert.Equal(AcceptResult.QuotaSpent, spent.Result);
        Assert.Equal(AcceptResult.Accepted, next.Result);
    }

    private sealed class PauseAfterQuotaRead(TimeSpan pause) : DbCommandInterceptor
    {
        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("\"QuotaEntries\"", StringComparison.Ordinal))
            {
                await Task.Delay(pause, cancellationToken);
            }

            return result;
        }
    }
}
