namespace Bot.IntegrationTests.Support;

/// <summary>Waits for a condition that the bot reaches in the background.</summary>
public static class Eventually
{
    public static async Task<T> WaitForAsync<T>(Func<T?> probe, string awaited, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = TimeProvider.System.GetUtcNow() + (timeout ?? TimeSpan.FromSeconds(30));
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Timed out waiting for {awaited}.");
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string awaited, TimeSpan? timeout = null)
    {
        await WaitForAsync(() => condition() ? string.Empty : null, awaited, timeout);
    }
}
