using Bot.Chat;
using Bot.Discord;
using Bot.Fakes;
using Bot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Discord;

/// <summary>The Discord port's choice between the interaction token and the channel, driven by fake time.</summary>
public sealed class DiscordChatPortTests : IAsyncLifetime
{
    private const string Channel = "1100000000000000005";
    private const string Token = "interaction-token-port-test";
    private static readonly DateTimeOffset Received = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Received);
    private FakeDiscordServer _discord = null!;
    private HttpClient _http = null!;
    private DiscordApplication _application = null!;
    private DiscordChatPort _port = null!;

    public async Task InitializeAsync()
    {
        _discord = await FakeDiscordServer.StartAsync();
        _http = new HttpClient();
        var rest = new DiscordRestClient(_http, new DiscordRestOptions { BaseUrl = _discord.RestBaseUrl, Token = FakeDiscordServer.Token }, _time, NullLogger<DiscordRestClient>.Instance);
        _application = new DiscordApplication(rest);
        _port = new DiscordChatPort(rest, _application, new TestOptions<DiscordOptions>(new DiscordOptions()), _time, NullLogger<DiscordChatPort>.Instance);

        // The gateway is not running here, so the interaction is registered with the fake directly.
        _discord.RegisterInteraction(Token, Channel);
    }

    public async Task DisposeAsync()
    {
        _application.Dispose();
        _http.Dispose();
        await _discord.DisposeAsync();
    }

    [Fact]
    public async Task Reply_BeforeExpiry_EditsOriginalResponse()
    {
        var messageId = await _port.SendReplyAsync(Target(), ChatText.Of("Queued"), CancellationToken.None);

        Assert.Single(_discord.CallsTo("PATCH", $"webhooks/{FakeDiscordServer.ApplicationId}/{Token}/messages/@original"));
        Assert.Equal(_discord.OriginalMessageId(Token), messageId);
    }

    [Fact]
    public async Task Video_BeforeExpiry_IsFollowup()
    {
        var status = await _port.SendReplyAsync(Target(), ChatText.Of("Queued"), CancellationToken.None);

        await _port.SendVideoAsync(Target() with { StatusMessageId = status }, Video(), ChatText.Of("a fox"), CancellationToken.None);

        var call = Assert.Single(_discord.CallsTo("POST", $"webhooks/{FakeDiscordServer.ApplicationId}/{Token}"));
        Assert.True(call.Files.ContainsKey("files[0]"));
    }

    [Fact]
    public async Task Video_AfterTokenExpiry_PostsInChannel()
    {
        var status = await _port.SendReplyAsync(Target(), ChatText.Of("Queued"), CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(14));
        await _port.SendVideoAsync(Target() with { StatusMessageId = status }, Video(), ChatText.Of("a fox"), CancellationToken.None);

        Assert.Empty(_discord.CallsTo("POST", "webhooks/"));
        var call = Assert.Single(_discord.CallsTo("POST", $"channels/{Channel}/messages"));
        Assert.Equal(status, call.Body!["message_reference"]!["message_id"]!.GetValue<string>());
        Assert.True(call.Files.ContainsKey("files[0]"));
        Assert.Equal($"Bot {FakeDiscordServer.Token}", call.Authorization);
    }

    [Fact]
    public async Task Edit_AfterTokenOutlived_UsesBotToken()
    {
        var status = await _port.SendReplyAsync(Target(), ChatText.Of("Queued"), CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(16));
        await _port.EditMessageAsync(Target() with { StatusMessageId = status }, status, ChatText.Of("Generating"), CancellationToken.None);

        Assert.Single(_discord.CallsTo("PATCH", $"channels/{Channel}/messages/{status}"));
        Assert.Equal("Generating", _discord.MessageById(status)!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Edit_TokenRejectedEarly_FallsBackToChannel()
    {
        var status = await _port.SendReplyAsync(Target(), ChatText.Of("Queued"), CancellationToken.None);
        _discord.ExpireInteractionTokens = true;

        await _port.EditMessageAsync(Target() with { StatusMessageId = status }, status, ChatText.Of("Generating"), CancellationToken.None);

        Assert.Single(_discord.CallsTo("PATCH", $"channels/{Channel}/messages/{status}"));
    }

    [Fact]
    public async Task EveryMessage_SuppressesMentions()
    {
        var status = await _port.SendReplyAsync(Target(), ChatText.Of("@everyone look"), CancellationToken.None);
        await _port.EditMessageAsync(Target(), status, ChatText.Of("@here"), CancellationToken.None);
        await _port.SendMessageAsync(Target(), ChatText.Of("<@&123>"), CancellationToken.None);
        await _port.SendVideoAsync(Target(), Video(), ChatText.Of("@everyone"), CancellationToken.None);

        var bodies = _discord.Calls.Select(call => call.Body).OfType<System.Text.Json.Nodes.JsonObject>().ToList();

        Assert.Equal(4, bodies.Count);
        Assert.All(bodies, body => Assert.Empty(body["allowed_mentions"]!["parse"]!.AsArray()));
    }

    [Fact]
    public async Task Video_TooLarge_IsReported()
    {
        _discord.FailNext("webhooks/", 413, """{"message": "Request entity too large", "code": 40005}""");

        var exception = await Assert.ThrowsAsync<ChatSendException>(() => _port.SendVideoAsync(Target(), Video(), ChatText.Of("x"), CancellationToken.None));

        Assert.Equal(ChatSendFailure.TooLarge, exception.Failure);
    }

    [Fact]
    public void UploadLimit_ComesFromTheInteraction()
    {
        Assert.Equal(25_000_000, _port.GetUploadLimit(Target() with { UploadLimit = 25_000_000 }));
        Assert.Equal(10 * 1024 * 1024, _port.GetUploadLimit(new ChatTarget(Channel)));
    }

    private static ChatTarget Target() => new(Channel)
    {
        InteractionToken = Token,
        InteractionExpiresAt = Received + DiscordInteraction.TokenLifetime,
    };

    private static VideoFile Video()
    {
        var path = Path.GetTempFileName();
        File.WriteAllBytes(path, [0, 0, 0, 24, (byte)'f', (byte)'t', (byte)'y', (byte)'p']);
        return new VideoFile(path, 8, 640, 352, 4.0);
    }
}
