namespace Bot.Discord;

/// <summary>A file to upload with a message, sent as the <c>files[n]</c> part of a multipart request.</summary>
/// <param name="FileName">The name Discord shows, e.g. <c>video.mp4</c>.</param>
/// <param name="OpenRead">Opens the content; called once per attempt, so a retried upload starts from the beginning.</param>
/// <param name="ContentType">The part's media type.</param>
public sealed record DiscordFile(string FileName, Func<Stream> OpenRead, string ContentType = "application/octet-stream");

/// <summary>A message Discord returned: enough to edit it or reply to it later.</summary>
public sealed record DiscordMessage(string Id, string ChannelId);

/// <summary>The bot's identity, from <c>GET /users/@me</c> or the READY event.</summary>
public sealed record DiscordUser(string Id, string Username);

/// <summary>The response to <c>GET /gateway/bot</c>.</summary>
/// <param name="Url">The WebSocket URL to connect to.</param>
/// <param name="Shards">The shard count Discord recommends.</param>
/// <param name="SessionStartLimit">The identify budget.</param>
public sealed record GatewayBotInfo(Uri Url, int Shards, SessionStartLimit SessionStartLimit);

/// <summary>How many new sessions the bot may start: <paramref name="Remaining"/> until <paramref name="ResetAfter"/> passes.</summary>
/// <param name="MaxConcurrency">Identifies allowed per 5 seconds.</param>
public sealed record SessionStartLimit(int Total, int Remaining, TimeSpan ResetAfter, int MaxConcurrency);
