using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Bot.Storage;

/// <summary>
/// Sets SQLite's own busy timeout on every connection. Without it, Microsoft.Data.Sqlite retries a locked
/// database in steps of 150 ms; SQLite's handler retries within a few milliseconds, which keeps a burst of
/// requests that all write (each /generate reserves quota) well within the one-second response time.
/// </summary>
public sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    private const string Pragma = "PRAGMA busy_timeout = 30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
