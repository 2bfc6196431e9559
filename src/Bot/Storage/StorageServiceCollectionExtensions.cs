using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the SQLite database and the migrator that prepares it at start.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(StorageSettings.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = StorageSettings.DefaultConnectionString;
        }

        services.AddPooledDbContextFactory<BotDbContext>(options => options.UseSqlite(connectionString).AddInterceptors(new SqliteBusyTimeout()));
        services.AddSingleton<WriteGate>();
        services.AddHostedService<DatabaseMigrator>();
        return services;
    }
}
