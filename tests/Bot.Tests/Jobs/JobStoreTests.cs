using Bot.Jobs;
using Bot.Quotas;
using Bot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Bot.Tests.Jobs;

public sealed class JobStoreTests : IDisposable
{
    private readonly TestPipeline _pipeline = new();

    public void Dispose() => _pipeline.Dispose();

    [Fact]
    public async Task Update_StaleCopy_IsDropped()
    {
        var job = await _pipeline.AcceptAsync();
        var first = await _pipeline.Store.UpdateAsync(job, j => j.State = JobState.Submitted, CancellationToken.None);

        var second = await _pipeline.Store.UpdateAsync(job, j => j.State = JobState.Failed, CancellationToken.None);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(JobState.Submitted, (await _pipeline.Store.FindAsync(job.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Finish_Delivered_ChargesReservation()
    {
        var job = await _pipeline.AcceptAsync();

        await _pipeline.Store.FinishAsync(job, JobState.Delivered, null, change: null, CancellationToken.None);

        Assert.Equal(QuotaEntryStatus.Charged, await EntryStatusAsync(job.Id));
    }

    [Theory]
    [InlineData(JobState.Failed)]
    [InlineData(JobState.Cancelled)]
    [InlineData(JobState.TimedOut)]
    [InlineData(JobState.Expired)]
    public async Task Finish_WithoutVideo_ReleasesReservation(JobState state)
    {
        var job = await _pipeline.AcceptAsync();

        var finished = await _pipeline.Store.FinishAsync(job, state, "why", change: null, CancellationToken.None);

        Assert.Equal(QuotaEntryStatus.Released, await EntryStatusAsync(job.Id));
        Assert.Equal("why", finished!.FailureReason);
        Assert.NotNull(finished.FinishedAt);
    }

    [Fact]
    public async Task Finish_Twice_SettlesOnce()
    {
        var job = await _pipeline.AcceptAsync();
        var delivered = await _pipeline.Store.FinishAsync(job, JobState.Delivered, null, change: null, CancellationToken.None);

        var again = await _pipeline.Store.FinishAsync(delivered!, JobState.Failed, "late failure", change: null, CancellationToken.None);

        Assert.Null(again);
        Assert.Equal(QuotaEntryStatus.Charged, await EntryStatusAsync(job.Id));
    }

    [Fact]
    public async Task Finish_ConcurrentWriters_OnlyOneWins()
    {
        var job = await _pipeline.AcceptAsync();

        var results = await Task.WhenAll(
            Task.Run(() => _pipeline.Store.FinishAsync(job, JobState.Delivered, null, change: null, CancellationToken.None)),
            Task.Run(() => _pipeline.Store.FinishAsync(job, JobState.Failed, "x", change: null, CancellationToken.None)));

        Assert.Single(results, r => r is not null);
    }

    [Fact]
    public async Task Finish_NonTerminalState_Throws()
    {
        var job = await _pipeline.AcceptAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            _pipeline.Store.FinishAsync(job, JobState.Running, null, change: null, CancellationToken.None));
    }

    private async Task<QuotaEntryStatus> EntryStatusAsync(long jobId)
    {
        await using var context = await _pipeline.Database.Factory.CreateDbContextAsync();
        return (await context.QuotaEntries.SingleAsync(e => e.JobId == jobId)).Status;
    }
}
