using Bot.RunPod.LocalEndpoint;

namespace Bot.IntegrationTests.Support;

/// <summary>Starts a fake Telegram server and a local RunPod endpoint for each test, and a temporary database.</summary>
public abstract class BotTestBase : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bot-integration", Guid.NewGuid().ToString("N"));
    private readonly List<BotUnderTest> _bots = [];

    protected FakeTelegramServer Telegram { get; private set; } = null!;

    protected LocalRunPodEndpoint RunPod { get; private set; } = null!;

    protected string DatabasePath => Path.Combine(_folder, "bot.db");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        Telegram = await FakeTelegramServer.StartAsync();
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

    protected async Task<BotUnderTest> StartBotAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var bot = await BotUnderTest.StartAsync(Telegram, RunPod, DatabasePath, overrides);
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
