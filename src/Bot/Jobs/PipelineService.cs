using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Jobs;

/// <summary>
/// The loop each pipeline step runs: recover what a crash left behind once, then repeat a pass over the due
/// jobs, waiting between passes for the time the pass requests or for a signal of new work.
/// </summary>
internal abstract class PipelineService(string loop, JobSignal signal, TimeProvider time, ILogger logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    protected TimeProvider Time { get; } = time;

    /// <summary>Ends or repairs jobs a crash left halfway through this step. Runs once, before the first pass.</summary>
    protected virtual Task RecoverAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Handles the jobs that are due, and returns how long to wait before the next pass.</summary>
    protected abstract Task<TimeSpan> PassAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RunPassAsync(async () =>
        {
            await RecoverAsync(stoppingToken);
            return TimeSpan.Zero;
        }, stoppingToken);

        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = await RunPassAsync(() => PassAsync(stoppingToken), stoppingToken);
            await signal.WaitAsync(wait, Time, stoppingToken);
        }

        JobsLog.LoopStopped(logger, loop);
    }

    /// <summary>
    /// Runs one pass. A database or network failure is logged, and the loop waits a few seconds before the
    /// next pass. Unfinished jobs stay stored, so the next pass picks them up.
    /// </summary>
    private async Task<TimeSpan> RunPassAsync(Func<Task<TimeSpan>> pass, CancellationToken stoppingToken)
    {
        try
        {
            return await pass();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return TimeSpan.Zero;
        }
        catch (Exception exception) when (exception is Microsoft.EntityFrameworkCore.DbUpdateException
            or Microsoft.Data.Sqlite.SqliteException
            or HttpRequestException
            or IOException
            or TimeoutException
            or InvalidOperationException)
        {
            JobsLog.PassFailed(logger, exception, loop, RetryAfterFailure);
            return RetryAfterFailure;
        }
    }
}
