using Bot.Cli;
using Bot.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bot.IntegrationTests.Support;

/// <summary>The real bot host, started with the settings an operator would give it.</summary>
public sealed class BotUnderTest : IAsyncDisposable
{
    private BotUnderTest(IHost host)
    {
        Host = host;
    }

    private int _disposed;

    public IHost Host { get; }

    public FatalErrors FatalErrors => Host.Services.GetRequiredService<FatalErrors>();

    public static async Task<BotUnderTest> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var host = Program.CreateBuilder(BotMode.Serve, settings).Build();
        await host.StartAsync();
        return new BotUnderTest(host);
    }

    public async Task StopAsync() => await Host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await Host.StopAsync();
        Host.Dispose();
    }
}
