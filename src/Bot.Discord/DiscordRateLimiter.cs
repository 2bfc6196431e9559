using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;

namespace Bot.Discord;

/// <summary>
/// Follows Discord's rate-limit headers: it learns which bucket each route uses, delays a request while its
/// bucket has no requests left until the bucket resets, and pauses every request after a global 429.
/// Requests in one bucket go one at a time, so the remaining count is never raced.
/// </summary>
internal sealed class DiscordRateLimiter(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, string> _bucketOfRoute = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private long _globalResetTicks;

    private TimeProvider Time => time;

    /// <summary>Waits until the route may send, and returns a lease to give back with the response's headers.</summary>
    public async Task<Lease> AcquireAsync(DiscordRoute route, CancellationToken cancellationToken)
    {
        var bucket = BucketOf(route.BucketKey);
        await bucket.Gate.WaitAsync(cancellationToken);
        try
        {
            if (route.CountsTowardGlobal)
            {
                await WaitUntilAsync(new DateTimeOffset(Interlocked.Read(ref _globalResetTicks), TimeSpan.Zero), cancellationToken);
            }

            if (bucket.Remaining <= 0)
            {
                await WaitUntilAsync(bucket.ResetAt, cancellationToken);
            }

            return new Lease(this, route, bucket);
        }
        catch
        {
            bucket.Gate.Release();
            throw;
        }
    }

    /// <summary>Pauses every request that counts toward the global limit until <paramref name="retryAfter"/> passes.</summary>
    public void PauseGlobally(TimeSpan retryAfter)
    {
        var until = (time.GetUtcNow() + retryAfter).UtcTicks;
        long current;
        do
        {
            current = Interlocked.Read(ref _globalResetTicks);
            if (current >= until)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _globalResetTicks, until, current) != current);
    }

    private Bucket BucketOf(string routeKey)
    {
        var key = _bucketOfRoute.TryGetValue(routeKey, out var bucketKey) ? bucketKey : routeKey;
        return _buckets.GetOrAdd(key, _ => new Bucket());
    }

    private async Task WaitUntilAsync(DateTimeOffset moment, CancellationToken cancellationToken)
    {
        var wait = moment - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private void Update(DiscordRoute route, Bucket bucket, HttpResponseHeaders headers)
    {
        if (headers.TryGetValues("X-RateLimit-Bucket", out var names))
        {
            // Routes that share a bucket hash share one state; the top-level resource stays part of the key.
            var key = $"{names.First()}:{route.BucketKey}";
            if (_bucketOfRoute.TryAdd(route.BucketKey, key))
            {
                _buckets.TryAdd(key, bucket);
            }
        }

        if (TryRead(headers, "X-RateLimit-Remaining", out var remaining))
        {
            bucket.Remaining = (int)remaining;
        }

        if (TryRead(headers, "X-RateLimit-Reset-After", out var resetAfter))
        {
            bucket.ResetAt = time.GetUtcNow() + TimeSpan.FromSeconds(resetAfter);
        }
    }

    private static bool TryRead(HttpResponseHeaders headers, string name, out double value)
    {
        value = 0;
        return headers.TryGetValues(name, out var values)
            && double.TryParse(values.First(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The right to send one request in a bucket; disposing it lets the next request in.</summary>
    internal sealed class Lease(DiscordRateLimiter limiter, DiscordRoute route, Bucket bucket) : IDisposable
    {
        private int _released;

        /// <summary>Records the bucket's state from a response.</summary>
        public void Update(HttpResponseHeaders headers) => limiter.Update(route, bucket, headers);

        /// <summary>Holds the bucket until <paramref name="retryAfter"/> passes, after a 429 for this route.</summary>
        public void Block(TimeSpan retryAfter)
        {
            bucket.Remaining = 0;
            bucket.ResetAt = limiter.Time.GetUtcNow() + retryAfter;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                bucket.Gate.Release();
            }
        }
    }

    internal sealed class Bucket
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Remaining { get; set; } = 1;

        public DateTimeOffset ResetAt { get; set; }
    }
}
