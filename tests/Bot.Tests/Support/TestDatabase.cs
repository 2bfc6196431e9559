using Bot.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Bot.Tests.Support;

/// <summary>A real SQLite file in a temporary folder, migrated like the bot's own database and deleted afterwards.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bot-tests", Guid.NewGuid().ToString("N"));

    /// <param name="interceptors">EF interceptors for every context, e.g. one that widens a race window.</param>
    public TestDatabase(params IInterceptor[] interceptors)
    {
        Directory.CreateDirectory(_folder);
        ConnectionString = $"Data Source={Path.Combine(_folder, "bot.db")};Pooling=False";
        Factory = new ContextFactory(new DbContextOptionsBuilder<BotDbContext>().UseSqlite(ConnectionString).AddInterceptors([new SqliteBusyTimeout(), .. interceptors]).Options);

        using var context = Factory.CreateDbContext();
        context.Database.Migrate();
        context.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }

    public string ConnectionString { get; }

    public IDbContextFactory<BotDbContext> Factory { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platforms; the temporary folder is cleaned up by the system.
        }
    }

    private sealed class ContextFactory(DbContextOptions<BotDbContext> options) : IDbContextFactory<BotDbContext>
    {
        public BotDbContext CreateDbContext() => new(options);
    }
}
