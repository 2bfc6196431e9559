using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Fakes;

/// <summary>A message the bot sent, as the fake Bot API recorded it.</summary>
public sealed record SentMessage(string Method, long ChatId, int MessageId, string Text, int? ReplyTo, string? ParseMode, byte[]? Video, DateTimeOffset At);

/// <summary>An edit of a message, as the fake Bot API recorded it.</summary>
public sealed record MessageEdit(long ChatId, int MessageId, string Text, DateTimeOffset At);

/// <summary>
/// A loopback server that speaks the Telegram Bot API's wire format (<c>/bot{token}/{method}</c>, JSON or
/// multipart requests, the <c>{"ok": ...}</c> envelope, long polling), so the real Telegram.Bot client runs
/// against it. It records what the bot sent and can respond with errors such as 429 with <c>retry_after</c>.
/// </summary>
public sealed class FakeTelegramServer : IAsyncDisposable
{
    public const string Token = "123456:TEST-token";
    public const string Username = "VideoTestBot";
    public const long BotId = 123456;

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly WebApplication _app;
    private readonly List<JsonObject> _updates = [];
    private readonly List<SentMessage> _messages = [];
    private readonly List<MessageEdit> _edits = [];
    private readonly List<string> _calls = [];
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Code, string Description, int? RetryAfter)>> _faults = new();
    private readonly ConcurrentDictionary<long, TimeSpan> _chatDelays = new();
    private readonly Dictionary<(long Chat, int Message), string> _texts = [];
    private readonly Dictionary<(long Chat, int Message), List<string>> _keyboards = [];
    private readonly List<(string CallbackId, string? Text)> _buttonAnswers = [];
    private readonly Dictionary<(long Chat, int Message), JsonObject> _userMessages = [];
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly HashSet<(long Chat, long User)> _administrators = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _updateArrived = new(0);
    private int _nextUpdateId = 1000;
    private int _nextMessageId = 1;

    private FakeTelegramServer(WebApplication app)
    {
        _app = app;
        app.MapPost("/bot{token}/{method}", HandleAsync);
        app.MapGet("/file/bot{token}/{**path}", DownloadFile);
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>When set, every call gets 401, as with a revoked token.</summary>
    public bool RejectToken { get; set; }

    /// <summary>The commands the bot registered with <c>setMyCommands</c> for the default scope.</summary>
    public JsonArray? Commands { get; private set; }

    /// <summary>Every <c>setMyCommands</c> call: the scope's type (<c>default</c> when none) and the command names.</summary>
    public ConcurrentQueue<(string Scope, string[] Commands)> CommandMenus { get; } = new();

    public IReadOnlyList<SentMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public IReadOnlyList<MessageEdit> Edits
    {
        get
        {
            lock (_gate)
            {
                return [.. _edits];
            }
        }
    }

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public static async Task<FakeTelegramServer> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = 100_000_000;
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var server = new FakeTelegramServer(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address);
        return server;
    }

    /// <summary>
    /// Queues a user's message as an update and returns its message id. With <paramref name="photo"/>, the text
    /// becomes the photo's caption; with <paramref name="replyTo"/>, it replies to that earlier message, a user's or the bot's.
    /// </summary>
    public int SendUserMessage(long chatId, long userId, string text, string chatType = "private", int? replyTo = null, byte[]? photo = null)
    {
        int messageId;
        lock (_gate)
        {
            messageId = _nextMessageId++;
            var message = new JsonObject
            {
                ["message_id"] = messageId,
                ["from"] = new JsonObject { ["id"] = userId, ["is_bot"] = false, ["first_name"] = $"User{userId}" },
                ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = chatType },
                ["date"] = 1_767_225_600,
            };
            JsonArray? entities = null;
            if (text.StartsWith('/'))
            {
                var length = text.Contains(' ', StringComparison.Ordinal) ? text.IndexOf(' ', StringComparison.Ordinal) : text.Length;
                entities = new JsonArray(new JsonObject { ["offset"] = 0, ["length"] = length, ["type"] = "bot_command" });
            }

            if (photo is not null)
            {
                var fileId = $"photo-{messageId}";
                _files[fileId] = photo;
                message["photo"] = new JsonArray(new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = $"u{fileId}", ["width"] = 1280, ["height"] = 704, ["file_size"] = photo.Length });
                message["caption"] = text;
                if (entities is not null)
                {
                    message["caption_entities"] = entities;
                }
            }
            else
            {
                message["text"] = text;
                if (entities is not null)
                {
                    message["entities"] = entities;
                }
            }

            if (replyTo is { } repliedId && _userMessages.TryGetValue((chatId, repliedId), out var replied))
            {
                message["reply_to_message"] = replied.DeepClone();
            }
            else if (replyTo is { } botMessageId && _texts.TryGetValue((chatId, botMessageId), out var botText))
            {
                message["reply_to_message"] = new JsonObject
                {
                    ["message_id"] = botMessageId,
                    ["from"] = new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "Video", ["username"] = Username },
                    ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = chatType },
                    ["date"] = 1_767_225_600,
                    ["text"] = botText,
                };
            }

            _userMessages[(chatId, messageId)] = (JsonObject)message.DeepClone();
            _updates.Add(new JsonObject { ["update_id"] = _nextUpdateId++, ["message"] = message });
        }

        _updateArrived.Release();
        return messageId;
    }

    /// <summary>Makes a user an administrator of a chat, as <c>getChatMember</c> reports it.</summary>
    public void MakeAdministrator(long chatId, long userId)
    {
        lock (_gate)
        {
            _administrators.Add((chatId, userId));
        }
    }

    /// <summary>Queues a press of an inline button under a message the bot sent, as a callback query update.</summary>
    /// <param name="callbackId">The callback query's id; an earlier press's id makes this a re-delivery of that press.</param>
    public void PressButton(long chatId, long userId, int messageId, string data, string? callbackId = null)
    {
        lock (_gate)
        {
            var callback = new JsonObject
            {
                ["id"] = callbackId ?? $"callback-{_nextUpdateId}",
                ["from"] = new JsonObject { ["id"] = userId, ["is_bot"] = false, ["first_name"] = $"User{userId}" },
                ["message"] = new JsonObject
                {
                    ["message_id"] = messageId,
                    ["date"] = 1_767_225_600,
                    ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" },
                    ["text"] = _texts.GetValueOrDefault((chatId, messageId)) ?? string.Empty,
                },
                ["chat_instance"] = "1",
                ["data"] = data,
            };
            _updates.Add(new JsonObject { ["update_id"] = _nextUpdateId++, ["callback_query"] = callback });
        }

        _updateArrived.Release();
    }

    /// <summary>The responses to button presses: the callback query id and the note shown, if any.</summary>
    public IReadOnlyList<(string CallbackId, string? Text)> ButtonAnswers
    {
        get
        {
            lock (_gate)
            {
                return [.. _buttonAnswers];
            }
        }
    }

    /// <summary>The inline keyboard of a message the bot sent, as the labels of its buttons.</summary>
    public IReadOnlyList<string> ButtonsOf(long chatId, int messageId)
    {
        lock (_gate)
        {
            return _keyboards.GetValueOrDefault((chatId, messageId)) ?? [];
        }
    }

    /// <summary>Makes the next call of <paramref name="method"/> fail with a Bot API error.</summary>
    public void FailNext(string method, int code, string description, int? retryAfter = null) =>
        _faults.GetOrAdd(method.ToLowerInvariant(), _ => new()).Enqueue((code, description, retryAfter));

    /// <summary>Delays the response to every <c>sendMessage</c> to the chat by this long.</summary>
    public void DelayChat(long chatId, TimeSpan delay) => _chatDelays[chatId] = delay;

    public IReadOnlyList<SentMessage> MessagesTo(long chatId) => [.. Messages.Where(m => m.ChatId == chatId)];

    /// <summary>Returns the current text of a message the bot sent, after every edit.</summary>
    public string? TextOf(long chatId, int messageId)
    {
        lock (_gate)
        {
            return _texts.GetValueOrDefault((chatId, messageId));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _updateArrived.Dispose();
    }

    private async Task<IResult> HandleAsync(string token, string method, HttpRequest request)
    {
        var name = method.ToLowerInvariant();
        lock (_gate)
        {
            _calls.Add(name);
        }

        if (token != Token || RejectToken)
        {
            return Error(401, "Unauthorized", null);
        }

        if (_faults.TryGetValue(name, out var queue) && queue.TryDequeue(out var fault))
        {
            return Error(fault.Code, fault.Description, fault.RetryAfter);
        }

        var (parameters, files) = await ReadParametersAsync(request);
        return name switch
        {
            "getme" => Ok(new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "Video", ["username"] = Username }),
            "deletewebhook" => Ok(true),
            "setmycommands" => SetCommands(parameters),
            "getupdates" => await GetUpdatesAsync(parameters, request.HttpContext.RequestAborted),
            "sendmessage" => await SendMessageAsync(parameters),
            "editmessagetext" => EditMessageText(parameters),
            "sendvideo" => SendVideo(parameters, files),
            "answercallbackquery" => AnswerCallbackQuery(parameters),
            "getfile" => GetFile(parameters),
            "getchatmember" => GetChatMember(parameters),
            _ => Error(404, "Not Found: method not found", null),
        };
    }

    private IResult SetCommands(JsonObject parameters)
    {
        var commands = parameters["commands"] as JsonArray ?? JsonNode.Parse(parameters["commands"]!.GetValue<string>()) as JsonArray;
        var scopeObject = parameters["scope"] is JsonValue text ? JsonNode.Parse(text.GetValue<string>()) : parameters["scope"];
        var scope = scopeObject?["type"]?.GetValue<string>() ?? "default";
        if (scope == "default")
        {
            Commands = commands;
        }
        else if (scopeObject?["chat_id"] is { } chatId)
        {
            scope += ":" + chatId.ToJsonString().Trim('"');
        }

        CommandMenus.Enqueue((scope, [.. commands!.Select(c => c!["command"]!.GetValue<string>())]));
        return Ok(true);
    }

    private async Task<IResult> GetUpdatesAsync(JsonObject parameters, CancellationToken aborted)
    {
        var offset = ReadLong(parameters, "offset") ?? 0;
        var timeout = TimeSpan.FromSeconds(Math.Min(ReadLong(parameters, "timeout") ?? 0, 50));
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        while (true)
        {
            JsonObject[] pending;
            lock (_gate)
            {
                // Telegram drops updates once a later offset confirms them.
                _updates.RemoveAll(update => update["update_id"]!.GetValue<int>() < offset);
                pending = [.. _updates.Select(update => (JsonObject)update.DeepClone())];
            }

            var left = deadline - TimeProvider.System.GetUtcNow();
            if (pending.Length > 0 || left <= TimeSpan.Zero)
            {
                return Ok(new JsonArray([.. pending]));
            }

            try
            {
                await _updateArrived.WaitAsync(left, aborted);
            }
            catch (OperationCanceledException)
            {
                return Ok(new JsonArray());
            }
        }
    }

    private async Task<IResult> SendMessageAsync(JsonObject parameters)
    {
        var chatId = ReadLong(parameters, "chat_id")!.Value;
        if (_chatDelays.TryGetValue(chatId, out var delay))
        {
            await Task.Delay(delay);
        }

        var text = parameters["text"]!.GetValue<string>();
        var message = Record("sendMessage", chatId, text, parameters, video: null);
        return Ok(MessageJson(message));
    }

    private IResult EditMessageText(JsonObject parameters)
    {
        var chatId = ReadLong(parameters, "chat_id")!.Value;
        var messageId = (int)ReadLong(parameters, "message_id")!.Value;
        var text = parameters["text"]!.GetValue<string>();
        lock (_gate)
        {
            if (!_texts.TryGetValue((chatId, messageId), out var current))
            {
                return Error(400, "Bad Request: message to edit not found", null);
            }

            if (current == text)
            {
                return Error(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message", null);
            }

            _texts[(chatId, messageId)] = text;
            RecordKeyboard(chatId, messageId, parameters);
            _edits.Add(new MessageEdit(chatId, messageId, text, TimeProvider.System.GetUtcNow()));
        }

        return Ok(new JsonObject
        {
            ["message_id"] = messageId,
            ["date"] = 1_767_225_600,
            ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" },
            ["text"] = text,
        });
    }

    private IResult SendVideo(JsonObject parameters, Dictionary<string, byte[]> files)
    {
        var chatId = ReadLong(parameters, "chat_id")!.Value;
        var reference = parameters["video"]?.GetValue<string>();
        var video = reference is not null && reference.StartsWith("attach://", StringComparison.Ordinal)
            ? files.GetValueOrDefault(reference["attach://".Length..])
            : files.GetValueOrDefault("video");
        if (video is null)
        {
            return Error(400, "Bad Request: there is no video in the request", null);
        }

        var message = Record("sendVideo", chatId, parameters["caption"]?.GetValue<string>() ?? string.Empty, parameters, video);
        var json = MessageJson(message);
        json.Remove("text");
        json["caption"] = message.Text;
        json["video"] = new JsonObject
        {
            ["file_id"] = $"video-{message.MessageId}",
            ["file_unique_id"] = $"unique-{message.MessageId}",
            ["width"] = ReadLong(parameters, "width") ?? 0,
            ["height"] = ReadLong(parameters, "height") ?? 0,
            ["duration"] = ReadLong(parameters, "duration") ?? 0,
        };
        return Ok(json);
    }

    private IResult GetFile(JsonObject parameters)
    {
        var fileId = parameters["file_id"]!.GetValue<string>();
        lock (_gate)
        {
            if (!_files.TryGetValue(fileId, out var bytes))
            {
                return Error(400, "Bad Request: invalid file_id", null);
            }

            return Ok(new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = $"u{fileId}", ["file_size"] = bytes.Length, ["file_path"] = $"photos/{fileId}.jpg" });
        }
    }

    private IResult DownloadFile(string token, string path)
    {
        if (token != Token)
        {
            return Results.StatusCode(401);
        }

        var fileId = Path.GetFileNameWithoutExtension(path);
        lock (_gate)
        {
            return _files.TryGetValue(fileId, out var bytes) ? Results.Bytes(bytes, "image/jpeg") : Results.NotFound();
        }
    }

    private IResult GetChatMember(JsonObject parameters)
    {
        var chatId = ReadLong(parameters, "chat_id")!.Value;
        var userId = ReadLong(parameters, "user_id")!.Value;
        bool isAdmin;
        lock (_gate)
        {
            isAdmin = _administrators.Contains((chatId, userId));
        }

        var user = new JsonObject { ["id"] = userId, ["is_bot"] = false, ["first_name"] = $"User{userId}" };
        return Ok(isAdmin
            ? new JsonObject { ["status"] = "administrator", ["user"] = user, ["can_be_edited"] = false, ["is_anonymous"] = false, ["can_manage_chat"] = true, ["can_delete_messages"] = true, ["can_manage_video_chats"] = true, ["can_restrict_members"] = true, ["can_promote_members"] = false, ["can_change_info"] = true, ["can_invite_users"] = true, ["can_post_stories"] = false, ["can_edit_stories"] = false, ["can_delete_stories"] = false }
            : new JsonObject { ["status"] = "member", ["user"] = user });
    }

    private IResult AnswerCallbackQuery(JsonObject parameters)
    {
        lock (_gate)
        {
            _buttonAnswers.Add((parameters["callback_query_id"]!.GetValue<string>(), parameters["text"]?.GetValue<string>()));
        }

        return Ok(true);
    }

    private void RecordKeyboard(long chatId, int messageId, JsonObject parameters)
    {
        var markup = parameters["reply_markup"] switch
        {
            JsonObject value => value,
            JsonValue value when value.TryGetValue<string>(out var json) => JsonNode.Parse(json) as JsonObject,
            _ => null,
        };
        var labels = (markup?["inline_keyboard"] as JsonArray ?? [])
            .OfType<JsonArray>()
            .SelectMany(row => row.OfType<JsonObject>())
            .Select(button => button["text"]!.GetValue<string>())
            .ToList();
        _keyboards[(chatId, messageId)] = labels;
    }

    private SentMessage Record(string method, long chatId, string text, JsonObject parameters, byte[]? video)
    {
        var replyParameters = parameters["reply_parameters"] switch
        {
            JsonObject value => value,
            JsonValue value when value.TryGetValue<string>(out var json) => JsonNode.Parse(json) as JsonObject,
            _ => null,
        };
        lock (_gate)
        {
            var message = new SentMessage(
                method,
                chatId,
                _nextMessageId++,
                text,
                replyParameters?["message_id"]?.GetValue<int>(),
                parameters["parse_mode"]?.GetValue<string>(),
                video,
                TimeProvider.System.GetUtcNow());
            _messages.Add(message);
            _texts[(chatId, message.MessageId)] = text;
            RecordKeyboard(chatId, message.MessageId, parameters);
            return message;
        }
    }

    private static JsonObject MessageJson(SentMessage message) => new()
    {
        ["message_id"] = message.MessageId,
        ["date"] = 1_767_225_600,
        ["chat"] = new JsonObject { ["id"] = message.ChatId, ["type"] = "private" },
        ["from"] = new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "Video" },
        ["text"] = message.Text,
    };

    private static async Task<(JsonObject Parameters, Dictionary<string, byte[]> Files)> ReadParametersAsync(HttpRequest request)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            var parameters = new JsonObject();
            foreach (var (key, value) in form)
            {
                parameters[key] = value.ToString();
            }

            foreach (var file in form.Files)
            {
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer);
                files[file.Name] = buffer.ToArray();
            }

            return (parameters, files);
        }

        var body = request.ContentLength is 0 ? null : await JsonNode.ParseAsync(request.Body);
        return (body as JsonObject ?? [], files);
    }

    private static long? ReadLong(JsonObject parameters, string name) => parameters[name] switch
    {
        JsonValue value when value.TryGetValue<long>(out var number) => number,
        JsonValue value when value.TryGetValue<string>(out var text) && long.TryParse(text, out var parsed) => parsed,
        _ => null,
    };

    private static IResult Ok(JsonNode? result) =>
        Results.Json(new JsonObject { ["ok"] = true, ["result"] = result }, JsonOptions);

    private static IResult Ok(bool result) => Ok(JsonValue.Create(result));

    private static IResult Error(int code, string description, int? retryAfter)
    {
        var body = new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description };
        if (retryAfter is not null)
        {
            body["parameters"] = new JsonObject { ["retry_after"] = retryAfter };
        }

        return Results.Json(body, JsonOptions, statusCode: code);
    }
}
