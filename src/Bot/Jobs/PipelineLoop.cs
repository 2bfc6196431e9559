using Microsoft.Extensions.Logging;

namespace Bot.Jobs;

/// <summary>Runs one pass of a pipeline loop and keeps the loop alive when the pass fails.</summary>
internal static class PipelineLoop
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="pass"/> and returns the wait it requests. A database or network failure is logged
    /// and the loop waits a few seconds before the next pass; unfinished jobs stay stored, so nothing is lost.
    /// </summary>
    public static async Task<TimeSpan> RunAsync(string loop, ILogger logger, Func<Task<TimeSpan>> pass, CancellationToken stoppingToken)
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
