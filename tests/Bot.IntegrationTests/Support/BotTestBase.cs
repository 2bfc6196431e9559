using Bot.Fakes;
using Bot.RunPod.LocalEndpoint;

namespace Bot.IntegrationTests.Support;

/// <summary>
/// Starts, for each test, a fake Telegram Bot API, a fake Discord, a local RunPod endpoint outside the bot (so
/// it keeps its jobs while the bot restarts), and a temporary database.
/// </summary>
public abstract class BotTestBase : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bot-integration", Guid.NewGuid().ToString("N"));
    private readonly List<BotUnderTest> _bots = [];

    protected FakeTelegramServer Telegram { get; private set; } = null!;

    protected FakeDiscordServer Discord { get; private set; } = null!;

    protected LocalRunPodEndpoint RunPod { get; private set; } = null!;

    protected string DatabasePath => Path.Combine(_folder, "bot.db");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        Telegram = await FakeTelegramServer.StartAsync();
        Discord = await FakeDiscordServer.StartAsync();
        RunPod = await LocalRunPodEndpoint.StartAsync(
            new LocalEndpointOptions { QueueTime = TimeSpan.FromMilliseconds(300), RunTime = TimeSpan.FromSeconds(2) },
            TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        foreach (var bot in _bots)
        {
            await bot.DisposeAsync();
        }

        await RunPod.DisposeAsync();
        await Discord.DisposeAsync();
        await Telegram.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The temporary folder is left for the system to clean up.
        }
    }

    /// <summary>Starts the bot with Telegram, Discord, or both, and any settings that override the test defaults.</summary>
    protected async Task<BotUnderTest> StartBotAsync(
        IReadOnlyDictionary<string, string?>? overrides = null,
        bool telegram = true,
        bool discord = false)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Bot"] = $"Data Source={DatabasePath}",
            ["RunPod:EndpointId"] = "test-endpoint",
            ["RunPod:ApiKey"] = "test-key",
            ["RunPod:BaseUrl"] = RunPod.BaseUrl.ToString(),
            ["RunPod:PollInterval"] = "00:00:00.200",
            ["RunPod:MaxPollInterval"] = "00:00:01",
            ["RunPod:RetryDelay"] = "00:00:00.050",
            ["Logging:LogLevel:Default"] = "Warning",
        };

        if (telegram)
        {
            settings["Telegram:BotToken"] = FakeTelegramServer.Token;
            settings["Telegram:ApiBaseUrl"] = Telegram.BaseUrl.ToString();
            settings["Telegram:StatusEditInterval"] = "00:00:01";
            settings["Telegram:PollTimeout"] = "00:00:02";
        }

        if (discord)
        {
            settings["Discord:BotToken"] = FakeDiscordServer.Token;
            settings["Discord:RestBaseUrl"] = Discord.RestBaseUrl.ToString();
            settings["Discord:GatewayUrl"] = Discord.GatewayUrl.ToString();
            settings["Discord:StatusEditInterval"] = "00:00:01";
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var bot = await BotUnderTest.StartAsync(settings);
        _bots.Add(bot);
        return bot;
    }

    /// <summary>Waits for the bot's first reply in the chat to the given message, and returns it.</summary>
    protected Task<SentMessage> ReplyToAsync(long chatId, int requestId, string method = "sendMessage") =>
        Eventually.WaitForAsync(
            () => Telegram.MessagesTo(chatId).FirstOrDefault(m => m.Method == method && m.ReplyTo == requestId),
            $"{method} in chat {chatId} replying to message {requestId}");

    protected Task<SentMessage> VideoAsync(long chatId) =>
        Eventually.WaitForAsync(() => Telegram.MessagesTo(chatId).FirstOrDefault(m => m.Method == "sendVideo"), $"a video in chat {chatId}");
}
