using Bot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Bot.Tests.Storage;

public sealed class MigrationTests
{
    [Fact]
    public void Model_HasNoChangesWithoutMigration()
    {
        using var database = new TestDatabase();
        using var context = database.Factory.CreateDbContext();

        // Fails when an entity changed and `dotnet ef migrations add` was not run.
        Assert.False(context.Database.HasPendingModelChanges());
    }

    [Fact]
    public void Database_UsesWriteAheadLog()
    {
        using var database = new TestDatabase();
        using var context = database.Factory.CreateDbContext();

        var mode = context.Database.SqlQueryRaw<string>("PRAGMA journal_mode").AsEnumerable().Single();

        Assert.Equal("wal", mode);
    }
}
