using System.Globalization;
using Bot.Cli;
using Bot.Fakes;
using Bot.RunPod.LocalEndpoint;

namespace Bot.Benchmarks;

/// <summary>
/// Measures how long the bot takes from an INTERACTION_CREATE frame to the deferred response (type 5), over a
/// burst of interactions sent as fast as the socket takes them. Discord shows "The application did not respond"
/// when this exceeds 3 seconds; the target is a p99 under 500 ms.
/// </summary>
internal static class InteractionBurst
{
    public static async Task<int> Main(string[] args)
    {
        const int WarmUp = 20;
        var burst = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;

        var folder = Path.Combine(Path.GetTempPath(), "bot-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await using var discord = await FakeDiscordServer.StartAsync();
        await using var runPod = await LocalRunPodEndpoint.StartAsync(new LocalEndpointOptions { QueueTime = TimeSpan.FromSeconds(1), RunTime = TimeSpan.FromSeconds(5) }, TimeProvider.System);

        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Bot"] = $"Data Source={Path.Combine(folder, "bot.db")}",
            ["Discord:BotToken"] = FakeDiscordServer.Token,
            ["Discord:RestBaseUrl"] = discord.RestBaseUrl.ToString(),
            ["Discord:GatewayUrl"] = discord.GatewayUrl.ToString(),
            ["RunPod:EndpointId"] = "bench",
            ["RunPod:ApiKey"] = "bench-key",
            ["RunPod:BaseUrl"] = runPod.BaseUrl.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        using var host = Program.CreateBuilder(BotMode.Serve, settings).Build();
        await host.StartAsync();
        await WaitUntilAsync(() => discord.IsReady, TimeSpan.FromSeconds(30));

        // Each interaction is a /generate from its own user, so every one is accepted and writes a job and a reservation.
        await SendAsync(WarmUp, "warm-up");
        var ids = await SendAsync(burst, "burst");
        await WaitUntilAsync(() => ids.All(id => discord.ResponseLatency(id) is not null), TimeSpan.FromSeconds(60));

        var latencies = ids.Select(id => discord.ResponseLatency(id)!.Value.TotalMilliseconds).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Interactions: {burst} in one burst, after {WarmUp} to warm up"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Frame to deferred response: p50 {Percentile(50):0.0} ms, p90 {Percentile(90):0.0} ms, p99 {Percentile(99):0.0} ms, max {latencies[^1]:0.0} ms"));
        Console.WriteLine(Percentile(99) < 500 ? "Target met: p99 under 500 ms." : "Target missed: p99 is 500 ms or more.");

        await host.StopAsync();
        Directory.Delete(folder, recursive: true);
        return Percentile(99) < 500 ? 0 : 1;

        double Percentile(int percent) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(percent / 100.0 * latencies.Length) - 1)];

        async Task<List<string>> SendAsync(int count, string label)
        {
            var sent = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                var (id, _) = await discord.SendCommandAsync("generate", $"a {label} fox number {i}", userId: (900_000_000_000_000_000 + sent.Count + (label == "burst" ? 10_000 : 0)).ToString(CultureInfo.InvariantCulture));
                sent.Add(id);
            }

            return sent;
        }

        static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
        {
            var deadline = TimeProvider.System.GetUtcNow() + timeout;
            while (!condition())
            {
                if (TimeProvider.System.GetUtcNow() > deadline)
                {
                    throw new TimeoutException("The bot did not reach the expected state in time.");
                }

                await Task.Delay(20);
            }
        }
    }
}
