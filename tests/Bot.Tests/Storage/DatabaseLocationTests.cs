using Bot.Storage;

namespace Bot.Tests.Storage;

public sealed class DatabaseLocationTests
{
    [Fact]
    public void ExistingWritableFolder_IsFine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bot-{Guid.NewGuid():N}.db");

        Assert.Null(DatabaseLocation.FindProblem($"Data Source={path}"));
    }

    [Fact]
    public void MissingFolder_NamesTheFolder()
    {
        var problem = DatabaseLocation.FindProblem("Data Source=/nonexistent-folder/bot.db");

        Assert.Contains("/nonexistent-folder", problem);
        Assert.Contains("ConnectionStrings:Bot", problem);
    }

    [Theory]
    [InlineData("bot.db")]
    [InlineData("Data Source=")]
    [InlineData("Data Source=:memory:")]
    public void UnusableConnectionString_ExplainsTheForm(string connectionString)
    {
        Assert.Contains("ConnectionStrings:Bot", DatabaseLocation.FindProblem(connectionString));
    }
}
