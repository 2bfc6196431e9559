using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Bot.Discord;

/// <summary>
/// A Discord gateway connection for one shard. It identifies, heartbeats and detects zombie connections. It
/// resumes after drops and op 7, and identifies again after op 9 or a failed resume, within the identify
/// budget. It stops on the close codes after which reconnecting cannot help.
/// </summary>
public sealed partial class DiscordGatewayClient(
    DiscordRestClient rest,
    DiscordGatewayOptions options,
    TimeProvider time,
    ILogger<DiscordGatewayClient> logger) : IDisposable
{
    private const int ApiVersion = 10;

    // Close codes after which a new connection cannot work: the operator has to change something.
    private static readonly Dictionary<int, string> FatalCloseCodes = new()
    {
        [4004] = "Discord rejected the bot token (close code 4004). Set Discord:BotToken to the token from the Developer Portal's Bot page.",
        [4010] = "Discord rejected the shard (close code 4010). Check Discord:ShardId and Discord:ShardCount.",
        [4011] = "Discord requires sharding for this bot (close code 4011). Set Discord:ShardCount and run one process per shard.",
        [4012] = "Discord rejected the gateway version (close code 4012).",
        [4013] = "Discord rejected the intents (close code 4013).",
        [4014] = "Discord refused a privileged intent (close code 4014). Enable it in the Developer Portal or stop asking for it.",
    };

    // Any close code but 1000 and 1001 keeps the session resumable; 4000 is Discord's "unknown error".
    private const WebSocketCloseStatus ResumableClose = (WebSocketCloseStatus)4000;

    // Close codes after which the session cannot be resumed, so the next connection identifies anew.
    private static readonly HashSet<int> SessionEndingCloseCodes = [4003, 4007, 4009];

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Queue<DateTimeOffset> _identifies = new();
    private Uri? _gatewayUrl;
    private SessionStartLimit? _budget;
    private DateTimeOffset _budgetCheckedAt;
    private string? _sessionId;
    private Uri? _resumeUrl;
    private int? _sequence;
    private volatile bool _heartbeatAcknowledged;

    /// <summary>The application id from READY, which interaction webhooks need.</summary>
    public string? ApplicationId { get; private set; }

    public DiscordUser? User { get; private set; }

    /// <summary>New sessions started so far.</summary>
    public int IdentifyCount { get; private set; }

    /// <summary>Sessions resumed so far.</summary>
    public int ResumeCount { get; private set; }

    /// <summary>
    /// Connects and keeps the connection until <paramref name="cancellationToken"/> is cancelled. Every dispatch
    /// goes to <paramref name="onDispatch"/> on the receive loop, so it must return quickly.
    /// </summary>
    /// <exception cref="DiscordGatewayException">The token or the shard settings were rejected.</exception>
    public async Task RunAsync(Func<GatewayDispatch, ValueTask> onDispatch, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var end = ConnectionEnd.Dropped;
            try
            {
                end = await ConnectAsync(onDispatch, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is WebSocketException or HttpRequestException or IOException or JsonException)
            {
                LogConnectionFailed(logger, exception);
            }
            catch (DiscordApiException exception) when (exception.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw new DiscordGatewayException(null, "Discord rejected the bot token (401). Set Discord:BotToken to the token from the Developer Portal's Bot page.", exception);
            }

            failures = end.Healthy ? 0 : failures + 1;
            var delay = end.ReconnectAtOnce && failures <= 1 ? TimeSpan.Zero : Backoff(failures);
            try
            {
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public void Dispose() => _sendLock.Dispose();

    /// <summary>Runs one WebSocket connection from connect to close, and returns how it ended.</summary>
    private async Task<ConnectionEnd> ConnectAsync(Func<GatewayDispatch, ValueTask> onDispatch, CancellationToken cancellationToken)
    {
        var resume = _sessionId is not null && _resumeUrl is not null;
        var url = resume ? _resumeUrl! : await GatewayUrlAsync(cancellationToken);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(WithQuery(url), cancellationToken);

        // A new socket starts acknowledged, so a stale flag from the last socket cannot end it at once.
        _heartbeatAcknowledged = true;
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? heartbeat = null;
        var healthy = false;
        try
        {
            while (true)
            {
                var (frame, closeStatus) = await ReceiveAsync(socket, connection.Token);
                if (frame is null)
                {
                    return Closed(closeStatus);
                }

                var receivedAt = time.GetUtcNow();
                using var document = JsonDocument.Parse(frame);
                var payload = document.RootElement;
                if (payload.TryGetProperty("s", out var sequence) && sequence.ValueKind == JsonValueKind.Number)
                {
                    _sequence = sequence.GetInt32();
                }

                switch (payload.GetProperty("op").GetInt32())
                {
                    case GatewayOpcodes.Hello:
                        var interval = TimeSpan.FromMilliseconds(payload.GetProperty("d").GetProperty("heartbeat_interval").GetDouble());
                        heartbeat = HeartbeatAsync(socket, interval, connection);
                        if (resume)
                        {
                            await ResumeAsync(socket, connection.Token);
                        }
                        else
                        {
                            await IdentifyAsync(socket, connection.Token);
                        }

                        break;

                    case GatewayOpcodes.HeartbeatAck:
                        _heartbeatAcknowledged = true;
                        break;

                    case GatewayOpcodes.Heartbeat:
                        await SendAsync(socket, new JsonObject { ["op"] = GatewayOpcodes.Heartbeat, ["d"] = _sequence }, connection.Token);
                        break;

                    case GatewayOpcodes.Reconnect:
                        LogReconnectRequested(logger);
                        await CloseAsync(socket, ResumableClose, "reconnecting");
                        return new ConnectionEnd(healthy, ReconnectAtOnce: true);

                    case GatewayOpcodes.InvalidSession:
                        var resumable = payload.GetProperty("d").ValueKind == JsonValueKind.True;
                        LogInvalidSession(logger, resumable);
                        if (!resumable)
                        {
                            ForgetSession();
                            await Task.Delay(RandomBetween(options.InvalidSessionDelayMin, options.InvalidSessionDelayMax), time, cancellationToken);
                        }

                        await CloseAsync(socket, ResumableClose, "invalid session");
                        return new ConnectionEnd(healthy, ReconnectAtOnce: true);

                    case GatewayOpcodes.Dispatch:
                        var type = payload.GetProperty("t").GetString()!;
                        var data = payload.GetProperty("d");
                        if (type == "READY")
                        {
                            OnReady(data);
                            healthy = true;
                        }
                        else if (type == "RESUMED")
                        {
                            LogResumed(logger, _sessionId!);
                            healthy = true;
                        }

                        await onDispatch(new GatewayDispatch(type, data.Clone(), receivedAt));
                        break;
                }
            }
        }
        catch (WebSocketException) when (connection.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The heartbeat found the connection dead and aborted it; the session is resumed on a new one.
            return new ConnectionEnd(healthy, ReconnectAtOnce: true);
        }
        catch (OperationCanceledException) when (connection.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new ConnectionEnd(healthy, ReconnectAtOnce: true);
        }
        finally
        {
            await connection.CancelAsync();
            if (heartbeat is not null)
            {
                // The heartbeat catches its own cancellation, so this wait does not throw.
                await heartbeat;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                // Stopping: 1000 ends the session, so Discord shows the bot offline at once.
                await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, "stopping");
            }
        }
    }

    /// <summary>
    /// Sends a heartbeat every interval, the first after a random part of it. When no acknowledgement came
    /// since the last heartbeat, the connection is a zombie: it is aborted (which keeps the session
    /// resumable) and the receive loop ends.
    /// </summary>
    private async Task HeartbeatAsync(ClientWebSocket socket, TimeSpan interval, CancellationTokenSource connection)
    {
        try
        {
            await Task.Delay(interval * Random.Shared.NextDouble(), time, connection.Token);
            while (!connection.IsCancellationRequested)
            {
                if (!_heartbeatAcknowledged)
                {
                    LogZombie(logger, interval);
                    socket.Abort();
                    await connection.CancelAsync();
                    return;
                }

                _heartbeatAcknowledged = false;
                await SendAsync(socket, new JsonObject { ["op"] = GatewayOpcodes.Heartbeat, ["d"] = _sequence }, connection.Token);
                await Task.Delay(interval, time, connection.Token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            // The connection ended; the receive loop decides what comes next.
        }
    }

    private async Task IdentifyAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        await WaitForIdentifyBudgetAsync(cancellationToken);
        _sequence = null;
        var identify = new JsonObject
        {
            ["op"] = GatewayOpcodes.Identify,
            ["d"] = new JsonObject
            {
                ["token"] = options.Token,
                ["intents"] = options.Intents,
                ["properties"] = new JsonObject { ["os"] = Environment.OSVersion.Platform.ToString().ToLowerInvariant(), ["browser"] = options.ClientName, ["device"] = options.ClientName },
                ["shard"] = new JsonArray(options.ShardId, options.ShardCount),
            },
        };
        await SendAsync(socket, identify, cancellationToken);
        IdentifyCount++;
        LogIdentifying(logger, options.ShardId, options.ShardCount);
    }

    private async Task ResumeAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var resume = new JsonObject
        {
            ["op"] = GatewayOpcodes.Resume,
            ["d"] = new JsonObject { ["token"] = options.Token, ["session_id"] = _sessionId, ["seq"] = _sequence },
        };
        await SendAsync(socket, resume, cancellationToken);
        ResumeCount++;
    }

    /// <summary>
    /// Waits until a new session may start: Discord allows a daily number of identifies (exceeding it resets
    /// the token) and at most <c>max_concurrency</c> per 5 seconds.
    /// </summary>
    private async Task WaitForIdentifyBudgetAsync(CancellationToken cancellationToken)
    {
        var budget = _budget ?? (await rest.GetGatewayBotAsync(cancellationToken)).SessionStartLimit;
        if (budget.Remaining <= 0)
        {
            var wait = budget.ResetAfter - (time.GetUtcNow() - _budgetCheckedAt);
            LogIdentifyBudgetSpent(logger, budget.Total, wait);
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, cancellationToken);
            var fresh = await rest.GetGatewayBotAsync(cancellationToken);
            budget = fresh.SessionStartLimit;
            _budgetCheckedAt = time.GetUtcNow();
        }

        var window = TimeSpan.FromSeconds(5);
        while (_identifies.Count > 0 && time.GetUtcNow() - _identifies.Peek() >= window)
        {
            _identifies.Dequeue();
        }

        if (_identifies.Count >= Math.Max(1, budget.MaxConcurrency))
        {
            await Task.Delay(window - (time.GetUtcNow() - _identifies.Peek()), time, cancellationToken);
            _identifies.Dequeue();
        }

        _identifies.Enqueue(time.GetUtcNow());
        _budget = budget with { Remaining = budget.Remaining - 1 };
    }

    private async Task<Uri> GatewayUrlAsync(CancellationToken cancellationToken)
    {
        if (_gatewayUrl is not null)
        {
            return _gatewayUrl;
        }

        var info = await rest.GetGatewayBotAsync(cancellationToken);
        _budget = info.SessionStartLimit;
        _budgetCheckedAt = time.GetUtcNow();
        _gatewayUrl = options.GatewayUrl ?? info.Url;
        return _gatewayUrl;
    }

    private void OnReady(JsonElement data)
    {
        _sessionId = data.GetProperty("session_id").GetString();
        _resumeUrl = data.TryGetProperty("resume_gateway_url", out var resumeUrl) ? new Uri(resumeUrl.GetString()!) : _gatewayUrl;
        if (data.TryGetProperty("application", out var application))
        {
            ApplicationId = application.GetProperty("id").GetString();
        }

        var user = data.GetProperty("user");
        User = new DiscordUser(user.GetProperty("id").GetString()!, user.GetProperty("username").GetString()!);
        LogReady(logger, User.Username, _sessionId!, options.ShardId);
    }

    private void ForgetSession()
    {
        _sessionId = null;
        _resumeUrl = null;
        _sequence = null;
    }

    private ConnectionEnd Closed(int? closeStatus)
    {
        LogClosed(logger, closeStatus);
        if (closeStatus is { } code && FatalCloseCodes.TryGetValue(code, out var message))
        {
            throw new DiscordGatewayException(code, message);
        }

        if (closeStatus is { } ending && SessionEndingCloseCodes.Contains(ending))
        {
            ForgetSession();
        }

        return ConnectionEnd.Dropped;
    }

    private async Task SendAsync(ClientWebSocket socket, JsonObject payload, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(payload);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Reads one whole message, joining frames until the end of the message; returns null and the close code when the socket closed.</summary>
    private static async Task<(byte[]? Frame, int? CloseStatus)> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var message = new MemoryStream();
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (null, (int?)socket.CloseStatus);
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    return (message.ToArray(), null);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Closes the socket if it is still open; a close that fails or takes over 2 seconds is given up.</summary>
    private static async Task CloseAsync(ClientWebSocket socket, WebSocketCloseStatus status, string reason)
    {
        if (socket.State != WebSocketState.Open)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(status, reason, timeout.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // The connection is being dropped anyway.
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var seconds = Math.Min(options.MaxReconnectDelay.TotalSeconds, Math.Pow(2, Math.Min(failures, 10) - 1));
        return TimeSpan.FromSeconds(seconds * (0.5 + Random.Shared.NextDouble()));
    }

    private static TimeSpan RandomBetween(TimeSpan min, TimeSpan max) => min + ((max - min) * Random.Shared.NextDouble());

    private static Uri WithQuery(Uri url)
    {
        var builder = new UriBuilder(url) { Query = $"v={ApiVersion}&encoding=json" };
        return builder.Uri;
    }

    [LoggerMessage(EventId = 710, Level = LogLevel.Information, Message = "Discord gateway ready as {Username} (session {SessionId}, shard {ShardId})")]
    private static partial void LogReady(ILogger logger, string username, string sessionId, int shardId);

    [LoggerMessage(EventId = 711, Level = LogLevel.Information, Message = "Discord session {SessionId} resumed")]
    private static partial void LogResumed(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 712, Level = LogLevel.Information, Message = "Identifying with the Discord gateway (shard {ShardId} of {ShardCount})")]
    private static partial void LogIdentifying(ILogger logger, int shardId, int shardCount);

    [LoggerMessage(EventId = 713, Level = LogLevel.Warning, Message = "The Discord gateway connection closed (code {CloseCode}); reconnecting")]
    private static partial void LogClosed(ILogger logger, int? closeCode);

    [LoggerMessage(EventId = 714, Level = LogLevel.Warning, Message = "The Discord gateway connection failed; reconnecting")]
    private static partial void LogConnectionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 715, Level = LogLevel.Information, Message = "Discord asked the bot to reconnect (op 7); resuming")]
    private static partial void LogReconnectRequested(ILogger logger);

    [LoggerMessage(EventId = 716, Level = LogLevel.Warning, Message = "Discord invalidated the session (op 9, resumable: {Resumable})")]
    private static partial void LogInvalidSession(ILogger logger, bool resumable);

    [LoggerMessage(EventId = 717, Level = LogLevel.Warning, Message = "No heartbeat acknowledgement within {Interval}; the connection is dead, resuming on a new one")]
    private static partial void LogZombie(ILogger logger, TimeSpan interval);

    [LoggerMessage(EventId = 718, Level = LogLevel.Warning, Message = "The daily budget of {Total} Discord sessions is spent; waiting {Wait} before identifying")]
    private static partial void LogIdentifyBudgetSpent(ILogger logger, int total, TimeSpan wait);

    /// <summary>How a connection ended: whether it had reached READY or RESUMED, and whether to reconnect without waiting.</summary>
    private sealed record ConnectionEnd(bool Healthy, bool ReconnectAtOnce)
    {
        public static readonly ConnectionEnd Dropped = new(false, true);
    }
}

/// <summary>The gateway opcodes the client uses.</summary>
internal static class GatewayOpcodes
{
    public const int Dispatch = 0;
    public const int Heartbeat = 1;
    public const int Identify = 2;
    public const int Resume = 6;
    public const int Reconnect = 7;
    public const int InvalidSession = 9;
    public const int Hello = 10;
    public const int HeartbeatAck = 11;
}
