namespace Bot.Discord;

/// <summary>
/// The bot's application id, which interaction webhooks are addressed by. The gateway's READY event gives
/// it; a job resumed before READY arrives reads it from the API instead.
/// </summary>
internal sealed class DiscordApplication(DiscordRestClient rest) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private string? _id;

    public void Set(string id) => _id = id;

    public void Dispose() => _lock.Dispose();

    public async Task<string> GetIdAsync(CancellationToken cancellationToken)
    {
        if (_id is { } known)
        {
            return known;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            return _id ??= await rest.GetApplicationIdAsync(cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }
}
