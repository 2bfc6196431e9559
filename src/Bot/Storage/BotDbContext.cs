using Bot.Jobs;
using Bot.Quotas;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Bot.Storage;

/// <summary>The bot's database: jobs and the quota ledger.</summary>
public sealed class BotDbContext(DbContextOptions<BotDbContext> options) : DbContext(options)
{
    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<QuotaEntry> QuotaEntries => Set<QuotaEntry>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or order DateTimeOffset columns, so times are stored as Unix milliseconds.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UnixMillisecondsConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var job = modelBuilder.Entity<Job>();
        job.Property(j => j.Platform).HasConversion<string>().HasMaxLength(16);
        job.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
        job.Property(j => j.UserKey).HasMaxLength(80);
        job.Property(j => j.UserName).HasMaxLength(200);
        job.Property(j => j.RequestKey).HasMaxLength(200);
        job.Property(j => j.ChatId).HasMaxLength(1024);
        job.Property(j => j.ThreadId).HasMaxLength(64);
        job.Property(j => j.RequestMessageId).HasMaxLength(64);
        job.Property(j => j.StatusMessageId).HasMaxLength(64);
        job.Property(j => j.InteractionToken).HasMaxLength(512);
        job.Property(j => j.Task).HasMaxLength(32);
        job.Property(j => j.Size).HasMaxLength(16);
        job.Property(j => j.RunPodJobId).HasMaxLength(128);
        job.Property(j => j.ProgressStage).HasMaxLength(32);
        job.Property(j => j.DeliveredMessageId).HasMaxLength(64);
        job.Property(j => j.FailureReason).HasMaxLength(1000);
        job.Property(j => j.Version).IsConcurrencyToken();
        job.Ignore(j => j.Target);
        job.Ignore(j => j.IsTerminal);
        job.HasIndex(j => j.RequestKey).IsUnique();
        job.HasIndex(j => new { j.State, j.NextCheckAt });
        job.HasIndex(j => new { j.UserKey, j.CreatedAt });

        var entry = modelBuilder.Entity<QuotaEntry>();
        entry.Property(e => e.UserKey).HasMaxLength(80);
        entry.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        entry.HasIndex(e => new { e.UserKey, e.PeriodStart });
        entry.HasIndex(e => e.JobId).IsUnique();
        entry.HasOne(e => e.Job).WithMany().HasForeignKey(e => e.JobId).OnDelete(DeleteBehavior.Cascade);
    }

    private sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.ToUnixTimeMilliseconds(),
        value => DateTimeOffset.FromUnixTimeMilliseconds(value));
}
