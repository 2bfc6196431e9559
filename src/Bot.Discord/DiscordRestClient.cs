using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Bot.Discord;

/// <summary>
/// The parts of Discord's HTTP API a slash-command bot needs, with per-bucket rate limits from the
/// <c>X-RateLimit-*</c> headers, 429 handling (route, global, and non-JSON pages), and multipart uploads.
/// </summary>
public sealed partial class DiscordRestClient
{
    private readonly HttpClient _http;
    private readonly DiscordRestOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DiscordRateLimiter _limiter;

    public DiscordRestClient(HttpClient http, DiscordRestOptions options, TimeProvider time, ILogger<DiscordRestClient> logger)
    {
        _http = http;
        _options = options;
        _time = time;
        _logger = logger;
        _limiter = new DiscordRateLimiter(time);
    }

    public async Task<GatewayBotInfo> GetGatewayBotAsync(CancellationToken cancellationToken)
    {
        var body = await SendAsync(DiscordRoute.Bot(HttpMethod.Get, "gateway/bot", "gateway/bot"), null, null, cancellationToken);
        var limit = body.GetProperty("session_start_limit");
        return new GatewayBotInfo(
            new Uri(body.GetProperty("url").GetString()!),
            body.TryGetProperty("shards", out var shards) ? shards.GetInt32() : 1,
            new SessionStartLimit(
                limit.GetProperty("total").GetInt32(),
                limit.GetProperty("remaining").GetInt32(),
                TimeSpan.FromMilliseconds(limit.GetProperty("reset_after").GetDouble()),
                limit.TryGetProperty("max_concurrency", out var concurrency) ? concurrency.GetInt32() : 1));
    }

    public async Task<DiscordUser> GetCurrentUserAsync(CancellationToken cancellationToken)
    {
        var body = await SendAsync(DiscordRoute.Bot(HttpMethod.Get, "users/@me", "users/@me"), null, null, cancellationToken);
        return new DiscordUser(body.GetProperty("id").GetString()!, body.GetProperty("username").GetString()!);
    }

    /// <summary>Returns the id of the bot's application, which interaction webhooks are addressed by.</summary>
    public async Task<string> GetApplicationIdAsync(CancellationToken cancellationToken)
    {
        var body = await SendAsync(DiscordRoute.Bot(HttpMethod.Get, "applications/@me", "applications/@me"), null, null, cancellationToken);
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>Returns the registered commands, globally or in one guild.</summary>
    public async Task<JsonArray> GetCommandsAsync(string applicationId, string? guildId, CancellationToken cancellationToken)
    {
        var path = CommandsPath(applicationId, guildId);
        var body = await SendAsync(DiscordRoute.Bot(HttpMethod.Get, path, path), null, null, cancellationToken);
        return JsonNode.Parse(body.GetRawText())!.AsArray();
    }

    /// <summary>Replaces every command, globally or in one guild, with <paramref name="commands"/>.</summary>
    public async Task OverwriteCommandsAsync(string applicationId, string? guildId, JsonArray commands, CancellationToken cancellationToken)
    {
        var path = CommandsPath(applicationId, guildId);
        await SendAsync(DiscordRoute.Bot(HttpMethod.Put, path, path), commands, null, cancellationToken);
    }

    /// <summary>Sends the initial response to an interaction, such as a deferral (type 5), within its 3-second window.</summary>
    public async Task CreateInteractionResponseAsync(string interactionId, string token, JsonObject response, CancellationToken cancellationToken)
    {
        var route = DiscordRoute.Interaction(HttpMethod.Post, $"interactions/{interactionId}/{token}/callback", $"interactions/{interactionId}/callback");
        await SendAsync(route, response, null, cancellationToken);
    }

    /// <summary>Edits the interaction's original response, with the interaction token (valid 15 minutes).</summary>
    public Task<DiscordMessage> EditOriginalResponseAsync(
        string applicationId, string token, JsonObject message, IReadOnlyList<DiscordFile>? files, CancellationToken cancellationToken)
    {
        var route = DiscordRoute.Interaction(
            HttpMethod.Patch,
            $"webhooks/{applicationId}/{token}/messages/@original",
            $"webhooks/{applicationId}/{DiscordRoute.TokenKey(token)}/messages/@original");
        return SendMessageAsync(route, message, files, cancellationToken);
    }

    /// <summary>Deletes the interaction's original response, such as a deferred "thinking…" that should not stay in the channel.</summary>
    public async Task DeleteOriginalResponseAsync(string applicationId, string token, CancellationToken cancellationToken)
    {
        var route = DiscordRoute.Interaction(
            HttpMethod.Delete,
            $"webhooks/{applicationId}/{token}/messages/@original",
            $"webhooks/{applicationId}/{DiscordRoute.TokenKey(token)}/messages/@original");
        await SendAsync(route, null, null, cancellationToken);
    }

    /// <summary>Edits a message posted with the interaction token (the original response or a follow-up).</summary>
    public Task<DiscordMessage> EditWebhookMessageAsync(
        string applicationId, string token, string messageId, JsonObject message, CancellationToken cancellationToken)
    {
        var route = DiscordRoute.Interaction(
            HttpMethod.Patch,
            $"webhooks/{applicationId}/{token}/messages/{messageId}",
            $"webhooks/{applicationId}/{DiscordRoute.TokenKey(token)}/messages/:id");
        return SendMessageAsync(route, message, null, cancellationToken);
    }

    /// <summary>Posts a follow-up message to an interaction, with the interaction token.</summary>
    public Task<DiscordMessage> CreateFollowupAsync(
        string applicationId, string token, JsonObject message, IReadOnlyList<DiscordFile>? files, CancellationToken cancellationToken)
    {
        var route = DiscordRoute.Interaction(HttpMethod.Post, $"webhooks/{applicationId}/{token}", $"webhooks/{applicationId}/{DiscordRoute.TokenKey(token)}");
        return SendMessageAsync(route, message, files, cancellationToken);
    }

    /// <summary>Posts a message in a channel with the bot token.</summary>
    public Task<DiscordMessage> CreateMessageAsync(
        string channelId, JsonObject message, IReadOnlyList<DiscordFile>? files, CancellationToken cancellationToken)
    {
        var path = $"channels/{channelId}/messages";
        return SendMessageAsync(DiscordRoute.Bot(HttpMethod.Post, path, path), message, files, cancellationToken);
    }

    /// <summary>Edits a message in a channel with the bot token; it works on any message the bot posted that is not ephemeral.</summary>
    public Task<DiscordMessage> EditMessageAsync(string channelId, string messageId, JsonObject message, CancellationToken cancellationToken) =>
        SendMessageAsync(
            DiscordRoute.Bot(HttpMethod.Patch, $"channels/{channelId}/messages/{messageId}", $"channels/{channelId}/messages/:id"),
            message,
            null,
            cancellationToken);

    private async Task<DiscordMessage> SendMessageAsync(DiscordRoute route, JsonObject message, IReadOnlyList<DiscordFile>? files, CancellationToken cancellationToken)
    {
        var body = await SendAsync(route, message, files, cancellationToken);
        return new DiscordMessage(body.GetProperty("id").GetString()!, body.GetProperty("channel_id").GetString()!);
    }

    /// <summary>Sends one request, waiting for its rate-limit bucket and sending it again after a 429.</summary>
    private async Task<JsonElement> SendAsync(DiscordRoute route, JsonNode? body, IReadOnlyList<DiscordFile>? files, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var lease = await _limiter.AcquireAsync(route, cancellationToken);
            using var request = BuildRequest(route, body, files);
            using var response = await _http.SendAsync(request, cancellationToken);
            lease.Update(response.Headers);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);

            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < _options.MaxRateLimitRetries)
            {
                var (retryAfter, global) = ReadRateLimit(response, text);
                if (global)
                {
                    _limiter.PauseGlobally(retryAfter);
                }
                else
                {
                    lease.Block(retryAfter);
                }

                LogRateLimited(_logger, route.Method.Method, route.Bucket, retryAfter, global);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw Error(response.StatusCode, text, route);
            }

            if (text.Length == 0)
            {
                return default;
            }

            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
    }

    private HttpRequestMessage BuildRequest(DiscordRoute route, JsonNode? body, IReadOnlyList<DiscordFile>? files)
    {
        var request = new HttpRequestMessage(route.Method, new Uri($"{_options.BaseUrl.ToString().TrimEnd('/')}/{route.Path}"));
        request.Headers.UserAgent.ParseAdd(_options.UserAgent);
        if (route.Authenticated)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bot", _options.Token);
        }

        if (files is { Count: > 0 })
        {
            request.Content = Multipart(body as JsonObject ?? [], files);
        }
        else if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return request;
    }

    /// <summary>Builds the multipart body Discord expects: <c>payload_json</c>, then one <c>files[n]</c> part per file.</summary>
    private static MultipartFormDataContent Multipart(JsonObject payload, IReadOnlyList<DiscordFile> files)
    {
        var withAttachments = (JsonObject)payload.DeepClone();
        withAttachments["attachments"] = new JsonArray([.. files.Select((file, index) => (JsonNode)new JsonObject { ["id"] = index, ["filename"] = file.FileName })]);

        var content = new MultipartFormDataContent();
        content.Add(new StringContent(withAttachments.ToJsonString(), Encoding.UTF8, "application/json"), "payload_json");
        for (var index = 0; index < files.Count; index++)
        {
            var part = new StreamContent(files[index].OpenRead());
            part.Headers.ContentType = new MediaTypeHeaderValue(files[index].ContentType);
            content.Add(part, $"files[{index}]", files[index].FileName);
        }

        return content;
    }

    /// <summary>
    /// Reads how long to wait after a 429. A JSON body carries <c>retry_after</c> and <c>global</c>; a page that
    /// is not JSON (Cloudflare's ban page) means stop everything for <c>Retry-After</c> or the hard back-off.
    /// </summary>
    private (TimeSpan RetryAfter, bool Global) ReadRateLimit(HttpResponseMessage response, string text)
    {
        var header = response.Headers.RetryAfter?.Delta;
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var seconds = root.TryGetProperty("retry_after", out var value) ? value.GetDouble() : header?.TotalSeconds ?? 1;
            var global = (root.TryGetProperty("global", out var flag) && flag.ValueKind == JsonValueKind.True)
                || response.Headers.Contains("X-RateLimit-Global");
            return (TimeSpan.FromSeconds(seconds), global);
        }
        catch (JsonException)
        {
            return (header ?? _options.HardBackoff, true);
        }
    }

    private static DiscordApiException Error(HttpStatusCode status, string text, DiscordRoute route)
    {
        int? code = null;
        var message = text.Length > 200 ? text[..200] : text;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.TryGetProperty("code", out var value) && value.TryGetInt32(out var number))
            {
                code = number;
            }

            if (document.RootElement.TryGetProperty("message", out var description))
            {
                message = description.GetString() ?? message;
            }
        }
        catch (JsonException)
        {
            // Not a JSON error body (a proxy's page); its first characters are kept as the message.
        }

        // The bucket names the route without the interaction token that its path may contain.
        var codeText = code is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" (code {code})");
        return new DiscordApiException(
            status,
            code,
            string.Create(CultureInfo.InvariantCulture, $"Discord responded {(int)status} to {route.Method} {route.Bucket}: {message}{codeText}"));
    }

    private static string CommandsPath(string applicationId, string? guildId) =>
        guildId is null ? $"applications/{applicationId}/commands" : $"applications/{applicationId}/guilds/{guildId}/commands";

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Discord rate-limited {Method} {Bucket}; waiting {RetryAfter} (global: {Global})")]
    private static partial void LogRateLimited(ILogger logger, string method, string bucket, TimeSpan retryAfter, bool global);
}
