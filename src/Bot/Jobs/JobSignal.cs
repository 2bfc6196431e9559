namespace Bot.Jobs;

/// <summary>
/// Wakes a pipeline loop early when there is new work for it, so a new job is sent within milliseconds rather
/// than at the next timer tick. A signal set while no loop waits is kept until the next wait.
/// </summary>
public sealed class JobSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Set()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up covers any number of new jobs.
        }
    }

    public void Dispose() => _semaphore.Dispose();

    /// <summary>Waits for a signal or until <paramref name="timeout"/> passes, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
        try
        {
            await _semaphore.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout passed with no signal: time for the periodic pass.
        }
    }
}

/// <summary>The signals of the three pipeline loops.</summary>
public sealed class JobSignals : IDisposable
{
    public JobSignal Dispatch { get; } = new();

    public JobSignal Poll { get; } = new();

    public JobSignal Deliver { get; } = new();

    public void Dispose()
    {
        Dispatch.Dispose();
        Poll.Dispose();
        Deliver.Dispose();
    }
}
