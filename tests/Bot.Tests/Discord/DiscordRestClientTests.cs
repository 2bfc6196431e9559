using System.Net;
using System.Text.Json.Nodes;
using Bot.Discord;
using Bot.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Tests.Discord;

/// <summary>The real REST client against the fake Discord HTTP API.</summary>
public sealed class DiscordRestClientTests : IAsyncLifetime
{
    private const string Channel = "1100000000000000005";
    private FakeDiscordServer _discord = null!;
    private HttpClient _http = null!;
    private DiscordRestClient _client = null!;

    public async Task InitializeAsync()
    {
        _discord = await FakeDiscordServer.StartAsync();
        _http = new HttpClient();
        _client = new DiscordRestClient(
            _http,
            new DiscordRestOptions { BaseUrl = _discord.RestBaseUrl, Token = FakeDiscordServer.Token, HardBackoff = TimeSpan.FromMilliseconds(300) },
            TimeProvider.System,
            NullLogger<DiscordRestClient>.Instance);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _discord.DisposeAsync();
    }

    [Fact]
    public async Task BotRoute_SendsTokenAndUserAgent()
    {
        await _client.CreateMessageAsync(Channel, Message("hello"), null, CancellationToken.None);

        var call = Assert.Single(_discord.CallsTo("POST", $"channels/{Channel}/messages"));
        Assert.Equal($"Bot {FakeDiscordServer.Token}", call.Authorization);
        Assert.StartsWith("DiscordBot (", call.UserAgent);
    }

    [Fact]
    public async Task InteractionRoute_SendsNoBotToken()
    {
        await _client.CreateInteractionResponseAsync("1", "interaction-token", new JsonObject { ["type"] = 5 }, CancellationToken.None);

        var call = Assert.Single(_discord.CallsTo("POST", "interactions/1/"));
        Assert.Null(call.Authorization);
        Assert.Equal(5, call.Body!["type"]!.GetValue<int>());
    }

    [Fact]
    public async Task RouteRateLimit_WaitsRetryAfterAndRetries()
    {
        _discord.FailNext($"channels/{Channel}/messages", 429, """{"message": "You are being rate limited.", "retry_after": 0.8, "global": false}""");
        var started = TimeProvider.System.GetTimestamp();

        await _client.CreateMessageAsync(Channel, Message("hello"), null, CancellationToken.None);

        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromSeconds(0.75));
        Assert.Equal(2, _discord.CallsTo("POST", $"channels/{Channel}/messages").Count);
    }

    [Fact]
    public async Task GlobalRateLimit_PausesOtherRoutes()
    {
        _discord.FailNext($"channels/{Channel}/messages", 429, """{"message": "You are being rate limited.", "retry_after": 0.8, "global": true}""");
        var first = _client.CreateMessageAsync(Channel, Message("one"), null, CancellationToken.None);
        await Task.Delay(200);
        var started = TimeProvider.System.GetTimestamp();

        await _client.GetCurrentUserAsync(CancellationToken.None);
        await first;

        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromSeconds(0.5));
    }

    [Fact]
    public async Task NonJsonRateLimit_BacksOffHard()
    {
        _discord.FailNext($"channels/{Channel}/messages", 429, "<html><body>error code: 1015</body></html>");
        var started = TimeProvider.System.GetTimestamp();

        await _client.CreateMessageAsync(Channel, Message("hello"), null, CancellationToken.None);

        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(280));
        Assert.Equal(2, _discord.CallsTo("POST", $"channels/{Channel}/messages").Count);
    }

    [Fact]
    public async Task BucketExhausted_WaitsForReset()
    {
        _discord.AddHeadersNext($"channels/{Channel}/messages", new()
        {
            ["X-RateLimit-Bucket"] = "abcd",
            ["X-RateLimit-Limit"] = "5",
            ["X-RateLimit-Remaining"] = "0",
            ["X-RateLimit-Reset-After"] = "0.7",
        });
        await _client.CreateMessageAsync(Channel, Message("one"), null, CancellationToken.None);
        var started = TimeProvider.System.GetTimestamp();

        await _client.CreateMessageAsync(Channel, Message("two"), null, CancellationToken.None);

        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromSeconds(0.6));
    }

    [Fact]
    public async Task Upload_SendsPayloadJsonAndFiles()
    {
        var bytes = new byte[] { 0, 0, 0, 24, (byte)'f', (byte)'t', (byte)'y', (byte)'p' };
        var files = new[] { new DiscordFile("video.mp4", () => new MemoryStream(bytes), "video/mp4") };

        await _client.CreateMessageAsync(Channel, Message("here"), files, CancellationToken.None);

        var call = Assert.Single(_discord.CallsTo("POST", $"channels/{Channel}/messages"));
        Assert.Equal(bytes, call.Files["files[0]"]);
        Assert.Equal("here", call.Body!["content"]!.GetValue<string>());
        Assert.Equal("video.mp4", call.Body["attachments"]![0]!["filename"]!.GetValue<string>());
        Assert.Equal(0, call.Body["attachments"]![0]!["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task TooLarge_IsRecognised()
    {
        _discord.FailNext($"channels/{Channel}/messages", 413, """{"message": "Request entity too large", "code": 40005}""");

        var exception = await Assert.ThrowsAsync<DiscordApiException>(() => _client.CreateMessageAsync(Channel, Message("x"), null, CancellationToken.None));

        Assert.True(exception.IsTooLarge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, exception.StatusCode);
    }

    [Fact]
    public async Task ExpiredToken_IsRecognisedWithoutRevealingIt()
    {
        _discord.ExpireInteractionTokens = true;

        var exception = await Assert.ThrowsAsync<DiscordApiException>(() =>
            _client.EditOriginalResponseAsync(FakeDiscordServer.ApplicationId, "secret-interaction-token", Message("x"), null, CancellationToken.None));

        Assert.True(exception.IsExpiredInteraction);
        Assert.Equal(50027, exception.Code);
        Assert.DoesNotContain("secret-interaction-token", exception.Message);
    }

    [Fact]
    public async Task WrongToken_Is401()
    {
        using var http = new HttpClient();
        var client = new DiscordRestClient(http, new DiscordRestOptions { BaseUrl = _discord.RestBaseUrl, Token = "a.b.c" }, TimeProvider.System, NullLogger<DiscordRestClient>.Instance);

        var exception = await Assert.ThrowsAsync<DiscordApiException>(() => client.GetCurrentUserAsync(CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, exception.StatusCode);
    }

    private static JsonObject Message(string content) => new() { ["content"] = content };
}
