using Bot.Cli;
using Bot.Hosting;
using Bot.RunPod.LocalEndpoint;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bot.IntegrationTests.Support;

/// <summary>
/// The real bot host, configured like an operator would, against the fake Telegram server and a local RunPod
/// endpoint that runs outside the host, so it keeps its jobs while the bot restarts.
/// </summary>
public sealed class BotUnderTest : IAsyncDisposable
{
    private BotUnderTest(IHost host)
    {
        Host = host;
    }

    public IHost Host { get; }

    public FatalErrors FatalErrors => Host.Services.GetRequiredService<FatalErrors>();

    public static async Task<BotUnderTest> StartAsync(
        FakeTelegramServer telegram,
        LocalRunPodEndpoint runPod,
        string databasePath,
        IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Bot"] = $"Data Source={databasePath}",
            ["Telegram:BotToken"] = FakeTelegramServer.Token,
            ["Telegram:ApiBaseUrl"] = telegram.BaseUrl.ToString(),
            ["Telegram:StatusEditInterval"] = "00:00:01",
            ["Telegram:PollTimeout"] = "00:00:02",
            ["RunPod:EndpointId"] = "test-endpoint",
            ["RunPod:ApiKey"] = "test-key",
            ["RunPod:BaseUrl"] = runPod.BaseUrl.ToString(),
            ["RunPod:PollInterval"] = "00:00:00.200",
            ["RunPod:MaxPollInterval"] = "00:00:01",
            ["RunPod:RetryDelay"] = "00:00:00.050",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var host = Program.CreateBuilder(BotMode.Serve, settings).Build();
        await host.StartAsync();
        return new BotUnderTest(host);
    }

    public async Task StopAsync() => await Host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}
