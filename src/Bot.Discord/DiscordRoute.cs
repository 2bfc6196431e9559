namespace Bot.Discord;

/// <summary>
/// One API call: the method, the path under the API base, and its rate-limit bucket. Discord keys buckets by
/// route and by the top-level resource (channel, guild, or webhook and token), so <paramref name="Bucket"/>
/// contains those ids and leaves out the others. It never contains an interaction token, because it is logged.
/// </summary>
/// <param name="Authenticated">Whether the bot token is sent; interaction and webhook-token routes go without it.</param>
/// <param name="CountsTowardGlobal">Whether the route is under the global limit; interaction routes are exempt.</param>
internal sealed record DiscordRoute(HttpMethod Method, string Path, string Bucket, bool Authenticated = true, bool CountsTowardGlobal = true)
{
    /// <summary>The key of the route's rate-limit state: the method and the bucket.</summary>
    public string BucketKey => $"{Method} {Bucket}";

    public static DiscordRoute Bot(HttpMethod method, string path, string bucket) => new(method, path, bucket);

    public static DiscordRoute Interaction(HttpMethod method, string path, string bucket) =>
        new(method, path, bucket, Authenticated: false, CountsTowardGlobal: false);

    /// <summary>Returns a stand-in for an interaction token that identifies it within this process without revealing it.</summary>
    public static string TokenKey(string token) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)).AsSpan(0, 6));
}
