using System.Text.Json;

namespace Bot.Tests.Support;

/// <summary>Reads the bot/worker contract fixtures from serverless/contract, which the worker's tests read too.</summary>
public static class Contract
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "contract", name);

    public static string Read(string name) => File.ReadAllText(Path(name));

    public static T Deserialize<T>(string name) =>
        JsonSerializer.Deserialize<T>(Read(name), JsonOptions)
            ?? throw new InvalidOperationException($"{name} is empty.");
}
