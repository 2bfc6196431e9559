namespace Bot.Storage;

/// <summary>
/// Lets one write transaction of this process run at a time. SQLite allows one writer anyway, but it waits
/// for its lock by blocking a thread, so writers queue here instead and a burst of requests cannot tie up the
/// thread pool. Other processes on the same file are still kept apart by SQLite's own lock.
/// </summary>
public sealed class WriteGate : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(cancellationToken);
        return new Release(_semaphore);
    }

    public void Dispose() => _semaphore.Dispose();

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
