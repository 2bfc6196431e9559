using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bot.Fakes;

/// <summary>A call the bot made to the fake Discord HTTP API.</summary>
/// <param name="Path">The path under <c>/api/v10/</c>.</param>
/// <param name="Body">The JSON body, or the <c>payload_json</c> part of a multipart body.</param>
/// <param name="Files">The uploaded files by part name, e.g. <c>files[0]</c>.</param>
/// <param name="Authorization">The Authorization header, if one was sent.</param>
public sealed record DiscordCall(string Method, string Path, JsonObject? Body, IReadOnlyDictionary<string, byte[]> Files, string? Authorization, string? UserAgent, DateTimeOffset At);

/// <summary>
/// A loopback Discord: a WebSocket gateway (Hello, Identify, READY, Resume, heartbeats, op 7, op 9, close codes)
/// and the HTTP routes a slash-command bot uses, responding with the documented payloads and recording every
/// call. Tests drive it: they send interactions, ask the bot to reconnect, withhold heartbeat ACKs, and
/// inject HTTP errors such as 429 and 413.
/// </summary>
public sealed class FakeDiscordServer : IAsyncDisposable
{
    public const string Token = "MTIwMDAwMDAwMDAwMDAwMDAwMA.GaBcDe.fake-token-for-tests";
    public const string ApplicationId = "1200000000000000000";
    public const string BotUserId = "1200000000000000000";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<DiscordCall> _calls = [];
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(string? Method, int Status, string Body, TimeSpan? RetryAfter)>> _faults = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Dictionary<string, string>>> _headers = new();
    private readonly Dictionary<string, (string MessageId, string ChannelId)> _originals = [];
    private readonly Dictionary<string, JsonObject> _messages = [];
    private readonly List<JsonArray> _commandWrites = [];
    private readonly ConcurrentDictionary<string, long> _interactionSentAt = new();
    private readonly ConcurrentDictionary<string, long> _callbackReceivedAt = new();
    private JsonArray _registeredCommands = [];
    private GatewayConnection? _connection;
    private long _nextId = 1_300_000_000_000_000_000;
    private int _sequence;

    private FakeDiscordServer(WebApplication app)
    {
        _app = app;
        app.UseWebSockets();
        app.Map("/gateway", HandleGatewayAsync);
        app.MapMethods("/api/v10/{**path}", ["GET", "POST", "PATCH", "PUT", "DELETE"], HandleRestAsync);
    }

    public Uri RestBaseUrl { get; private set; } = null!;

    public Uri GatewayUrl { get; private set; } = null!;

    /// <summary>The heartbeat interval sent in Hello. Default 1 second, so a zombie connection is found quickly.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// When set, heartbeats on the current connection get no ACK, so the client sees a zombie connection. A new
    /// connection clears it, so the client's reconnect is not a zombie too, however slowly the test reacts.
    /// </summary>
    public bool WithholdAcks { get; set; }

    /// <summary>When set, every Resume is refused with op 9 <c>false</c>.</summary>
    public bool RejectResumes { get; set; }

    /// <summary>When set, the interaction token routes respond 401 with code 50027, as after the 15 minutes.</summary>
    public bool ExpireInteractionTokens { get; set; }

    public int Connections { get; private set; }

    public int Identifies { get; private set; }

    public int Resumes { get; private set; }

    public int Heartbeats { get; private set; }

    /// <summary>The close codes the bot closed its connections with, in order.</summary>
    public ConcurrentQueue<int?> ClientCloseCodes { get; } = new();

    public IReadOnlyList<DiscordCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyList<JsonArray> CommandWrites
    {
        get
        {
            lock (_gate)
            {
                return [.. _commandWrites];
            }
        }
    }

    /// <summary>Whether a gateway session is identified or resumed and ready for dispatches.</summary>
    public bool IsReady => _connection is { Ready: true };

    public static async Task<FakeDiscordServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = 200_000_000;
        });
        var app = builder.Build();
        var server = new FakeDiscordServer(app);
        await app.StartAsync();
        var address = app.Urls.First().TrimEnd('/');
        server.RestBaseUrl = new Uri($"{address}/api/v10");
        server.GatewayUrl = new Uri($"{address.Replace("http://", "ws://", StringComparison.Ordinal)}/gateway");
        return server;
    }

    /// <summary>Sends a slash command as an INTERACTION_CREATE dispatch and returns the interaction's id and token.</summary>
    /// <param name="extraOptions">More options, as name, option type and value.</param>
    /// <param name="imageUrl">An image attachment for the <c>image</c> option, with its resolved data.</param>
    public async Task<(string Id, string Token)> SendCommandAsync(
        string name,
        string? prompt = null,
        string channelId = "1100000000000000005",
        string userId = "900000000000000001",
        string appPermissions = "2248473465835073",
        long attachmentSizeLimit = 10_485_760,
        IReadOnlyList<(string Name, int Type, object Value)>? extraOptions = null,
        string? imageUrl = null)
    {
        var id = NextId();
        var token = $"interaction-token-{id}";
        var data = new JsonObject { ["id"] = "1250000000000000000", ["name"] = name, ["type"] = 1 };
        var options = new JsonArray();
        if (prompt is not null)
        {
            options.Add(new JsonObject { ["name"] = "prompt", ["type"] = 3, ["value"] = prompt });
        }

        foreach (var (optionName, type, value) in extraOptions ?? [])
        {
            options.Add(new JsonObject { ["name"] = optionName, ["type"] = type, ["value"] = JsonValue.Create(value) });
        }

        if (imageUrl is not null)
        {
            options.Add(new JsonObject { ["name"] = "image", ["type"] = 11, ["value"] = "1399" });
            data["resolved"] = new JsonObject
            {
                ["attachments"] = new JsonObject
                {
                    ["1399"] = new JsonObject { ["id"] = "1399", ["filename"] = "cat.png", ["size"] = 1234, ["content_type"] = "image/png", ["url"] = imageUrl },
                },
            };
        }

        if (options.Count > 0)
        {
            data["options"] = options;
        }

        await SendInteractionAsync(id, token, 2, data, channelId, userId, appPermissions, attachmentSizeLimit);
        return (id, token);
    }

    /// <summary>Sends a <c>/mod</c> sub-command about <paramref name="subjectId"/> from a member with the given permissions and roles.</summary>
    public async Task<(string Id, string Token)> SendModCommandAsync(
        string subcommand,
        string? subjectId,
        string memberPermissions,
        string userId = "900000000000000009",
        IReadOnlyList<string>? roles = null)
    {
        var id = NextId();
        var token = $"interaction-token-{id}";
        var options = subjectId is null ? new JsonArray() : new JsonArray(new JsonObject { ["name"] = "user", ["type"] = 6, ["value"] = subjectId });
        var data = new JsonObject
        {
            ["id"] = "1250000000000000001",
            ["name"] = "mod",
            ["type"] = 1,
            ["options"] = new JsonArray(new JsonObject { ["name"] = subcommand, ["type"] = 1, ["options"] = options }),
        };
        if (subjectId is not null)
        {
            data["resolved"] = new JsonObject { ["users"] = new JsonObject { [subjectId] = new JsonObject { ["id"] = subjectId, ["username"] = $"user{subjectId[^4..]}" } } };
        }

        await SendInteractionAsync(id, token, 2, data, "1100000000000000005", userId, "2248473465835073", 10_485_760, memberPermissions: memberPermissions, roles: roles);
        return (id, token);
    }

    /// <summary>Sends a button press on a message as an INTERACTION_CREATE dispatch.</summary>
    public async Task<(string Id, string Token)> PressButtonAsync(string customId, string messageId, string channelId = "1100000000000000005", string userId = "900000000000000001")
    {
        var id = NextId();
        var token = $"interaction-token-{id}";
        var data = new JsonObject { ["custom_id"] = customId, ["component_type"] = 2 };
        await SendInteractionAsync(id, token, 3, data, channelId, userId, "2248473465835073", 10_485_760, messageId);
        return (id, token);
    }

    /// <summary>Makes an interaction token known without sending the interaction, for tests that use the HTTP routes alone.</summary>
    public void RegisterInteraction(string token, string channelId)
    {
        lock (_gate)
        {
            _originals.TryAdd(token, (NextId(), channelId));
        }
    }

    /// <summary>Sends op 7, Discord's request to reconnect and resume.</summary>
    public Task SendReconnectAsync() => SendAsync(new JsonObject { ["op"] = 7, ["d"] = null });

    /// <summary>Sends op 9 with whether the session may be resumed.</summary>
    public Task SendInvalidSessionAsync(bool resumable) => SendAsync(new JsonObject { ["op"] = 9, ["d"] = resumable });

    /// <summary>Closes the gateway connection with a close code, as Discord does on errors.</summary>
    public async Task CloseAsync(int code, string reason)
    {
        if (_connection is { } connection)
        {
            await connection.Socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);
        }
    }

    /// <summary>
    /// Makes the next call whose path starts with <paramref name="pathPrefix"/> (and, when given, whose method is
    /// <paramref name="method"/>) fail with this status and body.
    /// </summary>
    public void FailNext(string pathPrefix, int status, string body, TimeSpan? retryAfter = null, string? method = null) =>
        _faults.GetOrAdd(pathPrefix, _ => new()).Enqueue((method, status, body, retryAfter));

    /// <summary>Adds headers, such as <c>X-RateLimit-Remaining</c>, to the next response on a path that starts with <paramref name="pathPrefix"/>.</summary>
    public void AddHeadersNext(string pathPrefix, Dictionary<string, string> headers) =>
        _headers.GetOrAdd(pathPrefix, _ => new()).Enqueue(headers);

    /// <summary>Returns the current content of a message the bot posted or edited.</summary>
    public JsonObject? MessageById(string messageId)
    {
        lock (_gate)
        {
            return _messages.GetValueOrDefault(messageId);
        }
    }

    /// <summary>Returns the id of an interaction's original response, once the bot has edited it.</summary>
    public string? OriginalMessageId(string token)
    {
        lock (_gate)
        {
            return _originals.TryGetValue(token, out var original) ? original.MessageId : null;
        }
    }

    public IReadOnlyList<DiscordCall> CallsTo(string method, string pathPrefix) =>
        [.. Calls.Where(call => call.Method == method && call.Path.StartsWith(pathPrefix, StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            connection.Socket.Abort();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task SendInteractionAsync(
        string id,
        string token,
        int type,
        JsonObject data,
        string channelId,
        string userId,
        string appPermissions,
        long attachmentSizeLimit,
        string? messageId = null,
        string memberPermissions = "2248473465835073",
        IReadOnlyList<string>? roles = null)
    {
        lock (_gate)
        {
            _originals.TryAdd(token, (messageId ?? NextId(), channelId));
        }

        var interaction = new JsonObject
        {
            ["id"] = id,
            ["application_id"] = ApplicationId,
            ["type"] = type,
            ["version"] = 1,
            ["token"] = token,
            ["guild_id"] = "1100000000000000000",
            ["channel_id"] = channelId,
            ["channel"] = new JsonObject { ["id"] = channelId, ["type"] = 0, ["name"] = "render", ["guild_id"] = "1100000000000000000" },
            ["member"] = new JsonObject
            {
                ["user"] = new JsonObject { ["id"] = userId, ["username"] = $"user{userId[^4..]}", ["discriminator"] = "0", ["global_name"] = null },
                ["roles"] = new JsonArray([.. (roles ?? []).Select(role => (JsonNode)JsonValue.Create(role))]),
                ["permissions"] = memberPermissions,
            },
            ["app_permissions"] = appPermissions,
            ["locale"] = "en-US",
            ["attachment_size_limit"] = attachmentSizeLimit,
            ["data"] = data,
        };
        if (messageId is not null)
        {
            interaction["message"] = new JsonObject { ["id"] = messageId, ["channel_id"] = channelId };
        }

        _interactionSentAt[id] = TimeProvider.System.GetTimestamp();
        await SendDispatchAsync("INTERACTION_CREATE", interaction);
    }

    /// <summary>
    /// Returns the time from writing an interaction's frame to receiving its initial response, or null while
    /// no response has arrived.
    /// </summary>
    public TimeSpan? ResponseLatency(string interactionId) =>
        _interactionSentAt.TryGetValue(interactionId, out var sent) && _callbackReceivedAt.TryGetValue(interactionId, out var received)
            ? TimeProvider.System.GetElapsedTime(sent, received)
            : null;

    private Task SendDispatchAsync(string type, JsonObject data) =>
        SendAsync(new JsonObject { ["op"] = 0, ["s"] = Interlocked.Increment(ref _sequence), ["t"] = type, ["d"] = data });

    private async Task SendAsync(JsonObject payload)
    {
        var connection = _connection ?? throw new InvalidOperationException("No gateway connection is open.");
        await connection.SendAsync(payload);
    }

    private async Task HandleGatewayAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var connection = new GatewayConnection(socket);
        _connection = connection;
        WithholdAcks = false;
        Connections++;
        await connection.SendAsync(new JsonObject { ["op"] = 10, ["d"] = new JsonObject { ["heartbeat_interval"] = HeartbeatInterval.TotalMilliseconds } });

        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        ClientCloseCodes.Enqueue((int?)result.CloseStatus);
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, CancellationToken.None);
                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                await HandleGatewayPayloadAsync(connection, JsonNode.Parse(message.ToArray())!.AsObject());
            }
        }
        catch (WebSocketException)
        {
            // The client dropped the connection, e.g. after finding it a zombie.
            ClientCloseCodes.Enqueue(null);
        }
        finally
        {
            connection.Ready = false;
        }
    }

    private async Task HandleGatewayPayloadAsync(GatewayConnection connection, JsonObject payload)
    {
        switch (payload["op"]!.GetValue<int>())
        {
            case 1:
                Heartbeats++;
                if (!WithholdAcks)
                {
                    await connection.SendAsync(new JsonObject { ["op"] = 11, ["d"] = null });
                }

                break;

            case 2:
                Identifies++;
                if (payload["d"]?["token"]?.GetValue<string>() != Token)
                {
                    await connection.Socket.CloseOutputAsync((WebSocketCloseStatus)4004, "Authentication failed.", CancellationToken.None);
                    return;
                }

                _sequence = 0;
                connection.Ready = true;
                await SendDispatchAsync("READY", new JsonObject
                {
                    ["v"] = 10,
                    ["user"] = new JsonObject { ["id"] = BotUserId, ["username"] = "videobot", ["discriminator"] = "0", ["bot"] = true },
                    ["guilds"] = new JsonArray(),
                    ["session_id"] = $"session-{Identifies}",
                    ["resume_gateway_url"] = GatewayUrl.ToString(),
                    ["application"] = new JsonObject { ["id"] = ApplicationId, ["flags"] = 0 },
                });
                break;

            case 6:
                Resumes++;
                if (RejectResumes)
                {
                    await connection.SendAsync(new JsonObject { ["op"] = 9, ["d"] = false });
                    return;
                }

                connection.Ready = true;
                await SendDispatchAsync("RESUMED", new JsonObject());
                break;
        }
    }

    private async Task HandleRestAsync(HttpContext context, string path)
    {
        var request = context.Request;
        var (body, files) = await ReadBodyAsync(request);
        lock (_gate)
        {
            _calls.Add(new DiscordCall(request.Method, path, body, files, request.Headers.Authorization.FirstOrDefault(), request.Headers.UserAgent.FirstOrDefault(), TimeProvider.System.GetUtcNow()));
        }

        var response = context.Response;
        foreach (var (prefix, queue) in _headers)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal) && queue.TryDequeue(out var headers))
            {
                foreach (var (name, value) in headers)
                {
                    response.Headers[name] = value;
                }
            }
        }

        foreach (var (prefix, queue) in _faults)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal)
                && queue.TryPeek(out var next) && (next.Method is null || next.Method == request.Method)
                && queue.TryDequeue(out var fault))
            {
                response.StatusCode = fault.Status;
                if (fault.RetryAfter is { } retryAfter)
                {
                    response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                response.ContentType = fault.Body.StartsWith('{') ? "application/json" : "text/html";
                await response.WriteAsync(fault.Body);
                return;
            }
        }

        var needsBotToken = !path.StartsWith("interactions/", StringComparison.Ordinal) && !path.StartsWith("webhooks/", StringComparison.Ordinal);
        if (needsBotToken && request.Headers.Authorization != $"Bot {Token}")
        {
            await Json(response, 401, new JsonObject { ["message"] = "401: Unauthorized", ["code"] = 0 });
            return;
        }

        if (!needsBotToken && path.StartsWith("webhooks/", StringComparison.Ordinal) && ExpireInteractionTokens)
        {
            await Json(response, 401, new JsonObject { ["message"] = "Invalid Webhook Token", ["code"] = 50027 });
            return;
        }

        var segments = path.Split('/');
        switch (request.Method, segments)
        {
            case ("GET", ["gateway", "bot"]):
                await Json(response, 200, new JsonObject
                {
                    ["url"] = GatewayUrl.ToString(),
                    ["shards"] = 1,
                    ["session_start_limit"] = new JsonObject { ["total"] = 1000, ["remaining"] = 999, ["reset_after"] = 14_400_000, ["max_concurrency"] = 16 },
                });
                return;

            case ("GET", ["users", "@me"]):
                await Json(response, 200, new JsonObject { ["id"] = BotUserId, ["username"] = "videobot", ["bot"] = true });
                return;

            case ("GET", ["applications", "@me"]):
                await Json(response, 200, new JsonObject { ["id"] = ApplicationId, ["name"] = "videobot" });
                return;

            case ("GET", ["applications", _, .., "commands"]):
                await Json(response, 200, (JsonArray)_registeredCommands.DeepClone());
                return;

            case ("PUT", ["applications", _, .., "commands"]):
                var commands = (JsonArray)JsonNode.Parse(body?["__array"]?.ToJsonString() ?? "[]")!;
                lock (_gate)
                {
                    _commandWrites.Add(commands);
                    _registeredCommands = (JsonArray)commands.DeepClone();
                }

                await Json(response, 200, commands);
                return;

            case ("POST", ["interactions", var interactionId, _, "callback"]):
                _callbackReceivedAt.TryAdd(interactionId, TimeProvider.System.GetTimestamp());
                response.StatusCode = 204;
                return;

            case ("PATCH", ["webhooks", _, var token, "messages", "@original"]):
                await Json(response, 200, StoreMessage(OriginalOf(token), body));
                return;

            case ("DELETE", ["webhooks", _, var token, "messages", "@original"]):
                lock (_gate)
                {
                    _messages.Remove(OriginalOf(token).MessageId);
                }

                response.StatusCode = 204;
                return;

            case ("PATCH", ["webhooks", _, _, "messages", var messageId]):
                await Json(response, 200, StoreMessage(ExistingMessage(messageId), body));
                return;

            case ("POST", ["webhooks", _, var token]):
                await Json(response, 200, StoreMessage((NextId(), OriginalOf(token).ChannelId), body));
                return;

            case ("POST", ["channels", var channelId, "messages"]):
                await Json(response, 200, StoreMessage((NextId(), channelId), body));
                return;

            case ("PATCH", ["channels", var channelId, "messages", var messageId]):
                if (MessageById(messageId) is null)
                {
                    await Json(response, 404, new JsonObject { ["message"] = "Unknown Message", ["code"] = 10008 });
                    return;
                }

                await Json(response, 200, StoreMessage((messageId, channelId), body));
                return;

            default:
                await Json(response, 404, new JsonObject { ["message"] = "404: Not Found", ["code"] = 0 });
                return;
        }
    }

    private (string MessageId, string ChannelId) OriginalOf(string token)
    {
        lock (_gate)
        {
            return _originals.TryGetValue(token, out var original) ? original : (NextId(), "0");
        }
    }

    private (string MessageId, string ChannelId) ExistingMessage(string messageId) =>
        (messageId, MessageById(messageId)?["channel_id"]?.GetValue<string>() ?? "0");

    private JsonObject StoreMessage((string MessageId, string ChannelId) where, JsonObject? body)
    {
        var message = (JsonObject?)body?.DeepClone() ?? [];
        message["id"] = where.MessageId;
        message["channel_id"] = where.ChannelId;
        lock (_gate)
        {
            if (_messages.TryGetValue(where.MessageId, out var existing))
            {
                foreach (var (key, value) in message.ToList())
                {
                    existing[key] = value?.DeepClone();
                }

                return (JsonObject)existing.DeepClone();
            }

            _messages[where.MessageId] = message;
            return (JsonObject)message.DeepClone();
        }
    }

    private static async Task<(JsonObject? Body, Dictionary<string, byte[]> Files)> ReadBodyAsync(HttpRequest request)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            foreach (var file in form.Files)
            {
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer);
                files[file.Name] = buffer.ToArray();
            }

            return (form.TryGetValue("payload_json", out var payload) ? JsonNode.Parse(payload.ToString())!.AsObject() : null, files);
        }

        if (request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0)
        {
            return (null, files);
        }

        var node = await JsonNode.ParseAsync(request.Body);
        return (node switch
        {
            JsonObject value => value,
            JsonArray array => new JsonObject { ["__array"] = array.DeepClone() },
            _ => null,
        }, files);
    }

    private static async Task Json(HttpResponse response, int status, JsonNode body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.WriteAsync(body.ToJsonString(JsonOptions), Encoding.UTF8);
    }

    private string NextId() => Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed class GatewayConnection(WebSocket socket) : IDisposable
    {
        private readonly SemaphoreSlim _sendLock = new(1, 1);

        public WebSocket Socket { get; } = socket;

        public bool Ready { get; set; }

        public void Dispose() => _sendLock.Dispose();

        public async Task SendAsync(JsonObject payload)
        {
            var bytes = Encoding.UTF8.GetBytes(payload.ToJsonString());
            await _sendLock.WaitAsync();
            try
            {
                await Socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
            finally
            {
                _sendLock.Release();
            }
        }
    }
}
