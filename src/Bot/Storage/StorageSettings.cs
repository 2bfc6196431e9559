namespace Bot.Storage;

/// <summary>The database connection, read from <c>ConnectionStrings:Bot</c>.</summary>
public static class StorageSettings
{
    public const string ConnectionStringName = "Bot";

    /// <summary>
    /// The default: a file next to where the bot runs. A shared cache is not used, because WAL mode already lets
    /// readers work while one writer commits.
    /// </summary>
    public const string DefaultConnectionString = "Data Source=bot.db";
}
