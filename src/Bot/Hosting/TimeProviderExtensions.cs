namespace Bot.Hosting;

/// <summary>Waiting helpers for the loops of background services.</summary>
public static class TimeProviderExtensions
{
    /// <summary>Waits for <paramref name="delay"/>, or returns early without an exception when the service is stopping.</summary>
    public static async Task DelayUnlessStoppingAsync(this TimeProvider time, TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the caller's loop ends on its next check.
        }
    }
}
