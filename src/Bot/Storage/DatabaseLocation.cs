using Microsoft.Data.Sqlite;

namespace Bot.Storage;

/// <summary>Checks, before anything opens the database, that <c>ConnectionStrings:Bot</c> names a file the bot can create and write.</summary>
public static class DatabaseLocation
{
    /// <summary>Returns what is wrong with the connection string or its folder, or null when the database can be opened.</summary>
    public static string? FindProblem(string connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            return "ConnectionStrings:Bot is not a SQLite connection string. Write it as Data Source=PATH, for example Data Source=bot.db.";
        }

        var dataSource = builder.DataSource;
        if (string.IsNullOrWhiteSpace(dataSource))
        {
            return "ConnectionStrings:Bot has no Data Source. Write it as Data Source=PATH, for example Data Source=bot.db.";
        }

        if (dataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            return "ConnectionStrings:Bot points at an in-memory database, which loses every job when the bot stops. Use a file, for example Data Source=bot.db.";
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource))!;
        if (!Directory.Exists(folder))
        {
            return $"The folder of the database {dataSource} (ConnectionStrings:Bot) does not exist. Create {folder} or choose another path.";
        }

        if (File.Exists(dataSource))
        {
            return null;
        }

        // SQLite creates the file and its -wal and -shm companions next to it, so the folder must be writable.
        var probe = Path.Combine(folder, $".write-check-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"The bot may not create its database in {folder} (ConnectionStrings:Bot): {exception.Message}";
        }
    }
}
