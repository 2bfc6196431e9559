using Bot.Jobs;
using Bot.Moderation;
using Bot.Quotas;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Bot.Storage;

/// <summary>The bot's database: jobs and the quota ledger.</summary>
public sealed class BotDbContext(DbContextOptions<BotDbContext> options) : DbContext(options)
{
    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<QuotaEntry> QuotaEntries => Set<QuotaEntry>();

    public DbSet<UserRecord> Users => Set<UserRecord>();

    public DbSet<QuotaGrant> QuotaGrants => Set<QuotaGrant>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<PromptRejection> PromptRejections => Set<PromptRejection>();

    public DbSet<BotSetting> Settings => Set<BotSetting>();

    public DbSet<JobImage> JobImages => Set<JobImage>();

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
        job.Property(j => j.ImageUrl).HasMaxLength(2048);
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

        var user = modelBuilder.Entity<UserRecord>();
        user.HasKey(u => u.UserKey);
        user.Property(u => u.UserKey).HasMaxLength(80);
        user.Property(u => u.DisplayName).HasMaxLength(200);
        user.Property(u => u.BanReason).HasMaxLength(500);
        user.Property(u => u.BannedBy).HasMaxLength(80);
        user.Ignore(u => u.IsBanned);

        var grant = modelBuilder.Entity<QuotaGrant>();
        grant.Property(g => g.UserKey).HasMaxLength(80);
        grant.Property(g => g.GrantedBy).HasMaxLength(80);
        grant.HasIndex(g => new { g.UserKey, g.PeriodStart });

        var audit = modelBuilder.Entity<AuditEntry>();
        audit.Property(a => a.ModeratorKey).HasMaxLength(80);
        audit.Property(a => a.ModeratorName).HasMaxLength(200);
        audit.Property(a => a.Action).HasMaxLength(40);
        audit.Property(a => a.Target).HasMaxLength(200);
        audit.Property(a => a.Before).HasMaxLength(500);
        audit.Property(a => a.After).HasMaxLength(500);
        audit.HasIndex(a => a.At);
        audit.HasIndex(a => a.Target);

        var rejection = modelBuilder.Entity<PromptRejection>();
        rejection.Property(r => r.UserKey).HasMaxLength(80);
        rejection.Property(r => r.UserName).HasMaxLength(200);
        rejection.Property(r => r.Prompt).HasMaxLength(300);
        rejection.Property(r => r.Rule).HasMaxLength(300);
        rejection.HasIndex(r => r.At);

        var setting = modelBuilder.Entity<BotSetting>();
        setting.HasKey(s => s.Key);
        setting.Property(s => s.Key).HasMaxLength(64);
        setting.Property(s => s.Value).HasMaxLength(1000);

        var image = modelBuilder.Entity<JobImage>();
        image.HasKey(i => i.JobId);
        image.HasOne<Job>().WithOne().HasForeignKey<JobImage>(i => i.JobId).OnDelete(DeleteBehavior.Cascade);
        image.Property(i => i.MediaType).HasMaxLength(64);
    }

    private sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.ToUnixTimeMilliseconds(),
        value => DateTimeOffset.FromUnixTimeMilliseconds(value));
}
