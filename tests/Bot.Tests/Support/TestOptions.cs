using Microsoft.Extensions.Options;

namespace Bot.Tests.Support;

/// <summary>An options monitor that always returns one value, for components under test.</summary>
public sealed class TestOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue { get; set; } = value;

    public T Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
