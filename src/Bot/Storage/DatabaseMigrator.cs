using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Storage;

/// <summary>
/// Applies pending migrations and switches the database to WAL mode before any other service starts.
/// Registered first, so its <see cref="StartAsync"/> finishes before the job pipeline reads a row.
/// </summary>
internal sealed partial class DatabaseMigrator(
    IDbContextFactory<BotDbContext> contextFactory,
    ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);

        var dataSource = new SqliteConnectionStringBuilder(context.Database.GetConnectionString()).DataSource;
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await context.Database.MigrateAsync(cancellationToken);

        // WAL lets status reads go on while a job is being written. The mode is stored in the file, so this
        // only changes something the first time.
        await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);

        LogDatabaseReady(logger, dataSource, pending.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Database {DataSource} ready; {MigrationCount} migrations applied")]
    private static partial void LogDatabaseReady(ILogger logger, string dataSource, int migrationCount);
}
