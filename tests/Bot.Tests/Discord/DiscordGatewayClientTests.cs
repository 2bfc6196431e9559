using Bot.Discord;
using Bot.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Tests.Discord;

/// <summary>The real gateway client against the fake Discord gateway.</summary>
public sealed class DiscordGatewayClientTests : IAsyncLifetime
{
    private readonly List<GatewayDispatch> _dispatches = [];
    private readonly CancellationTokenSource _stop = new();
    private FakeDiscordServer _discord = null!;
    private DiscordGatewayClient _client = null!;
    private HttpClient _http = null!;
    private Task _run = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _discord = await FakeDiscordServer.StartAsync();
        _http = new HttpClient();
        var rest = new DiscordRestClient(_http, new DiscordRestOptions { BaseUrl = _discord.RestBaseUrl, Token = FakeDiscordServer.Token }, TimeProvider.System, NullLogger<DiscordRestClient>.Instance);
        _client = new DiscordGatewayClient(
            rest,
            new DiscordGatewayOptions
            {
                Token = FakeDiscordServer.Token,
                InvalidSessionDelayMin = TimeSpan.FromMilliseconds(10),
                InvalidSessionDelayMax = TimeSpan.FromMilliseconds(50),
            },
            TimeProvider.System,
            NullLogger<DiscordGatewayClient>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.ContinueWith(_ => { }, TaskScheduler.Default);
        _client.Dispose();
        _http.Dispose();
        _stop.Dispose();
        await _discord.DisposeAsync();
    }

    [Fact]
    public async Task Start_IdentifiesAndDeliversDispatches()
    {
        await StartAsync();

        await _discord.SendCommandAsync("help");

        await WaitUntilAsync(() => Dispatches("INTERACTION_CREATE") == 1);
        Assert.Equal(1, _discord.Identifies);
        Assert.Equal(FakeDiscordServer.ApplicationId, _client.ApplicationId);
        Assert.Equal(1, Dispatches("READY"));
    }

    [Fact]
    public async Task Heartbeats_AreSentEveryInterval()
    {
        _discord.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
        await StartAsync();

        await WaitUntilAsync(() => _discord.Heartbeats >= 3);

        Assert.Equal(1, _discord.Connections);
    }

    [Fact]
    public async Task Reconnect_Op7_ResumesSession()
    {
        await StartAsync();

        await _discord.SendReconnectAsync();

        await WaitUntilAsync(() => _discord.Resumes == 1 && _discord.IsReady);
        Assert.Equal(1, _discord.Identifies);
        Assert.Equal(2, _discord.Connections);
        Assert.True(_discord.ClientCloseCodes.TryPeek(out var code));
        Assert.NotEqual(1000, code);
    }

    [Fact]
    public async Task Resume_ReplaysToTheSameHandler()
    {
        await StartAsync();
        await _discord.SendReconnectAsync();
        await WaitUntilAsync(() => _discord.Resumes == 1 && _discord.IsReady);

        await _discord.SendCommandAsync("help");

        await WaitUntilAsync(() => Dispatches("INTERACTION_CREATE") == 1);
        Assert.Equal(1, Dispatches("RESUMED"));
    }

    [Fact]
    public async Task MissingAck_ClosesZombieAndResumes()
    {
        _discord.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
        await StartAsync();

        _discord.WithholdAcks = true;

        await WaitUntilAsync(() => _discord.Connections == 2);
        await WaitUntilAsync(() => _discord.Resumes >= 1 && _discord.IsReady);
        Assert.Equal(1, _discord.Identifies);
    }

    [Fact]
    public async Task InvalidSession_NotResumable_IdentifiesAgain()
    {
        await StartAsync();

        await _discord.SendInvalidSessionAsync(resumable: false);

        await WaitUntilAsync(() => _discord.Identifies == 2 && _discord.IsReady);
        Assert.Equal(0, _discord.Resumes);
    }

    [Fact]
    public async Task FailedResume_IdentifiesAgain()
    {
        await StartAsync();
        _discord.RejectResumes = true;

        await _discord.SendReconnectAsync();

        await WaitUntilAsync(() => _discord.Identifies == 2 && _discord.IsReady);
        Assert.Equal(1, _discord.Resumes);
    }

    [Fact]
    public async Task ResumableCloseCode_Resumes()
    {
        await StartAsync();

        await _discord.CloseAsync(4000, "Unknown error");

        await WaitUntilAsync(() => _discord.Resumes == 1 && _discord.IsReady);
        Assert.Equal(1, _discord.Identifies);
    }

    [Fact]
    public async Task SessionTimedOutClose_IdentifiesAgain()
    {
        await StartAsync();

        await _discord.CloseAsync(4009, "Session timed out");

        await WaitUntilAsync(() => _discord.Identifies == 2 && _discord.IsReady);
        Assert.Equal(0, _discord.Resumes);
    }

    [Theory]
    [InlineData(4004, "Discord:BotToken")]
    [InlineData(4014, "privileged intent")]
    [InlineData(4011, "Discord:ShardCount")]
    public async Task FatalCloseCode_StopsWithCause(int code, string cause)
    {
        await StartAsync();

        await _discord.CloseAsync(code, "fatal");

        var exception = await Assert.ThrowsAsync<DiscordGatewayException>(() => _run);
        Assert.Equal(code, exception.CloseCode);
        Assert.Contains(cause, exception.Message);
        Assert.Equal(1, _discord.Connections);
    }

    private async Task StartAsync()
    {
        _run = _client.RunAsync(
            dispatch =>
            {
                lock (_dispatches)
                {
                    _dispatches.Add(dispatch);
                }

                return ValueTask.CompletedTask;
            },
            _stop.Token);
        await WaitUntilAsync(() => _discord.IsReady && Dispatches("READY") == 1);
    }

    private int Dispatches(string type)
    {
        lock (_dispatches)
        {
            return _dispatches.Count(d => d.Type == type);
        }
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                throw new TimeoutException("The gateway did not reach the expected state.");
            }

            if (_run.IsFaulted)
            {
                await _run;
            }

            await Task.Delay(20);
        }
    }
}
