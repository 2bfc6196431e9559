using System.Globalization;
using Bot.Chat;
using Bot.Jobs;
using Bot.Quotas;
using Bot.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bot.Moderation;

/// <summary>
/// Carries out moderator commands: allowances, grants, bans, the pause, usage statistics and the audit log.
/// Every command checks that its sender moderates, whatever the platform showed them, and every change is
/// stored with an audit entry in the same transaction.
/// </summary>
public sealed partial class ModerationService(
    IDbContextFactory<BotDbContext> contextFactory,
    WriteGate writeGate,
    QuotaLedger ledger,
    IOptionsMonitor<ModerationOptions> options,
    IOptionsMonitor<QuotaOptions> quotaOptions,
    TimeProvider time,
    ILogger<ModerationService> logger)
{
    public const int MaxAllowance = 100_000;
    public const int MaxGrant = 1_000;
    private const int AuditLines = 15;

    public static ChatText NotModeratorText { get; } = ChatText.Of("Only moderators can use this command. Nothing was changed.");

    public async Task<ChatText> HandleAsync(ModerateCommand command, CancellationToken cancellationToken)
    {
        if (!command.User.IsChatModerator)
        {
            LogRefused(logger, command.User.Key, command.Action);
            return NotModeratorText;
        }

        if (NeedsSubject(command.Action) && command.Subject is null)
        {
            return ChatText.Of("Say which user: reply to one of their messages, give their numeric id, or pick them in the command's user option.");
        }

        return command.Action switch
        {
            ModeratorAction.QuotaShow => await ShowQuotaAsync(command.Subject!, cancellationToken),
            ModeratorAction.QuotaSet => await SetAllowanceAsync(command, cancellationToken),
            ModeratorAction.QuotaGrant => await GrantAsync(command, cancellationToken),
            ModeratorAction.QuotaReset => await ResetAllowanceAsync(command, cancellationToken),
            ModeratorAction.Ban => await BanAsync(command, cancellationToken),
            ModeratorAction.Unban => await UnbanAsync(command, cancellationToken),
            ModeratorAction.Stats => await StatsAsync(cancellationToken),
            ModeratorAction.Pause => await PauseAsync(command, cancellationToken),
            ModeratorAction.Resume => await ResumeAsync(command, cancellationToken),
            ModeratorAction.Audit => await AuditAsync(command.Subject, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.Action, "Unknown moderator action."),
        };
    }

    private static bool NeedsSubject(ModeratorAction action) =>
        action is ModeratorAction.QuotaShow or ModeratorAction.QuotaSet or ModeratorAction.QuotaGrant or ModeratorAction.QuotaReset
            or ModeratorAction.Ban or ModeratorAction.Unban;

    private async Task<ChatText> ShowQuotaAsync(UserRef subject, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var usage = await ledger.GetUsageAsync(context, subject.Key, subject.Platform, cancellationToken);
        var record = await context.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserKey == subject.Key, cancellationToken);

        var text = new ChatText().Bold(Name(subject, record)).Plain("\n");
        text.Plain(usage.OwnAllowance is { } own
            ? $"Allowance: {own} per {PeriodUnit} (set for this user; the default is {quotaOptions.CurrentValue.DefaultAllowance})"
            : $"Allowance: {quotaOptions.CurrentValue.DefaultAllowance} per {PeriodUnit} (the default)");
        if (usage.Granted > 0)
        {
            text.Plain($", plus {usage.Granted} granted this {PeriodUnit}");
        }

        text.Plain($"\nReceived: {usage.Charged} · in progress: {usage.Reserved} · left: {usage.Remaining}\n");
        text.Plain($"Resets at {ChatFormat.Time(usage.ResetsAt)}.");
        if (record is { IsBanned: true })
        {
            text.Plain($"\nBanned since {ChatFormat.Time(record.BannedAt!.Value)}{(record.BanReason is { } reason ? $": {reason}" : ".")}");
        }

        return text;
    }

    private async Task<ChatText> SetAllowanceAsync(ModerateCommand command, CancellationToken cancellationToken)
    {
        if (command.Number is not { } allowance || allowance is < 0 or > MaxAllowance)
        {
            return ChatText.Of($"Give the allowance as a whole number from 0 to {MaxAllowance}, for example: quota set 123456789 10");
        }

        return await ChangeUserAsync(command, "quota set", record =>
        {
            var before = record.Allowance?.ToString(CultureInfo.InvariantCulture) ?? $"default ({quotaOptions.CurrentValue.DefaultAllowance})";
            record.Allowance = allowance;
            return (before, allowance.ToString(CultureInfo.InvariantCulture), $"{Name(command.Subject!, record)} may now make {ChatFormat.Videos(allowance)} per {PeriodUnit}.");
        }, cancellationToken);
    }

    private async Task<ChatText> ResetAllowanceAsync(ModerateCommand command, CancellationToken cancellationToken) =>
        await ChangeUserAsync(command, "quota reset", record =>
        {
            var before = record.Allowance?.ToString(CultureInfo.InvariantCulture) ?? "default";
            record.Allowance = null;
            var allowance = quotaOptions.CurrentValue.DefaultAllowance;
            return (before, $"default ({allowance})", $"{Name(command.Subject!, record)} is back to the default allowance of {ChatFormat.Videos(allowance)} per {PeriodUnit}.");
        }, cancellationToken);

    private async Task<ChatText> BanAsync(ModerateCommand command, CancellationToken cancellationToken) =>
        await ChangeUserAsync(command, "ban", record =>
        {
            var before = record.IsBanned ? "banned" : "not banned";
            record.BannedAt = time.GetUtcNow();
            record.BanReason = string.IsNullOrWhiteSpace(command.Text) ? null : command.Text.Trim();
            record.BannedBy = command.User.Key;
            var reply = $"{Name(command.Subject!, record)} is banned and can no longer make videos. Jobs already accepted still run; cancel them with cancel <job>.";
            return (before, record.BanReason is { } reason ? $"banned: {reason}" : "banned", reply);
        }, cancellationToken);

    private async Task<ChatText> UnbanAsync(ModerateCommand command, CancellationToken cancellationToken) =>
        await ChangeUserAsync(command, "unban", record =>
        {
            var before = record.IsBanned ? "banned" : "not banned";
            record.BannedAt = null;
            record.BanReason = null;
            record.BannedBy = null;
            var reply = before == "banned"
                ? $"{Name(command.Subject!, record)} is no longer banned."
                : $"{Name(command.Subject!, record)} was not banned; nothing changed.";
            return (before, "not banned", reply);
        }, cancellationToken);

    private async Task<ChatText> GrantAsync(ModerateCommand command, CancellationToken cancellationToken)
    {
        if (command.Number is not { } videos || videos is < 1 or > MaxGrant)
        {
            return ChatText.Of($"Give the number of extra videos as a whole number from 1 to {MaxGrant}, for example: quota grant 123456789 3");
        }

        var subject = command.Subject!;
        using var gate = await writeGate.EnterAsync(cancellationToken);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var before = await ledger.GetUsageAsync(context, subject.Key, subject.Platform, cancellationToken);
        context.QuotaGrants.Add(new QuotaGrant
        {
            UserKey = subject.Key,
            PeriodStart = ledger.CurrentPeriodStart(),
            Videos = videos,
            GrantedBy = command.User.Key,
            CreatedAt = time.GetUtcNow(),
        });
        Audit(context, command, "quota grant", subject.Key, $"{before.Remaining} left", $"{before.Remaining + videos} left");
        await context.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        return ChatText.Of($"{subject} gets {ChatFormat.Videos(videos)} more this {PeriodUnit} and now has {before.Remaining + videos} left.");
    }

    private async Task<ChatText> PauseAsync(ModerateCommand command, CancellationToken cancellationToken)
    {
        var message = string.IsNullOrWhiteSpace(command.Text) ? string.Empty : command.Text.Trim();
        using var gate = await writeGate.EnterAsync(cancellationToken);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var setting = await context.Settings.SingleOrDefaultAsync(s => s.Key == JobAcceptor.PauseSetting, cancellationToken);
        var before = setting is null ? "running" : "paused";
        if (setting is null)
        {
            context.Settings.Add(new BotSetting { Key = JobAcceptor.PauseSetting, Value = message });
        }
        else
        {
            setting.Value = message;
        }

        Audit(context, command, "pause", null, before, message.Length > 0 ? $"paused: {message}" : "paused");
        await context.SaveChangesAsync(cancellationToken);
        return ChatText.Of("The bot is paused: new requests are turned away with your message, and jobs already accepted still finish. Use resume to take requests again.");
    }

    private async Task<ChatText> ResumeAsync(ModerateCommand command, CancellationToken cancellationToken)
    {
        using var gate = await writeGate.EnterAsync(cancellationToken);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var setting = await context.Settings.SingleOrDefaultAsync(s => s.Key == JobAcceptor.PauseSetting, cancellationToken);
        if (setting is null)
        {
            return ChatText.Of("The bot was not paused; nothing changed.");
        }

        context.Settings.Remove(setting);
        Audit(context, command, "resume", null, "paused", "running");
        await context.SaveChangesAsync(cancellationToken);
        return ChatText.Of("The bot takes requests again.");
    }

    private async Task<ChatText> StatsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = QuotaPeriods.StartOf(QuotaPeriod.Daily, now);
        var periodStart = ledger.CurrentPeriodStart();
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);

        var text = new ChatText().Bold("Usage").Plain("\n");
        text.Append(await StatsLineAsync(context, "Today", today, cancellationToken));
        if (periodStart != today)
        {
            text.Append(await StatsLineAsync(context, $"This {PeriodUnit}", periodStart, cancellationToken));
        }

        var waiting = await context.Jobs.CountAsync(j => j.State == JobState.Accepted, cancellationToken);
        var onGpu = await context.Jobs.CountAsync(j => JobStates.OnGpu.Contains(j.State), cancellationToken);
        var paused = await context.Settings.AnyAsync(s => s.Key == JobAcceptor.PauseSetting, cancellationToken);
        text.Plain($"Now: {onGpu} on the GPU, {waiting} waiting in the bot{(paused ? ", paused" : string.Empty)}.\n");

        var rejections = await context.PromptRejections
            .Where(r => r.At >= periodStart)
            .OrderByDescending(r => r.At)
            .Take(3)
            .ToListAsync(cancellationToken);
        var rejected = await context.PromptRejections.CountAsync(r => r.At >= periodStart, cancellationToken);
        text.Plain($"Prompts rejected by the policy this {PeriodUnit}: {rejected}");
        foreach (var rejection in rejections)
        {
            text.Plain($"\n· {rejection.UserName} ({rejection.UserKey}), {rejection.Rule}: ").Italic(ChatFormat.Trim(rejection.Prompt, 80));
        }

        return text;
    }

    private async Task<ChatText> StatsLineAsync(BotDbContext context, string label, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var jobs = await context.Jobs
            .Where(j => j.CreatedAt >= since)
            .GroupBy(j => j.State)
            .Select(g => new { State = g.Key, Count = g.Count(), ExecutionMs = g.Sum(j => j.ExecutionMs ?? 0) })
            .ToListAsync(cancellationToken);
        var counts = string.Join(", ", jobs.OrderBy(j => j.State).Select(j => $"{j.Count} {j.State.ToString().ToLowerInvariant()}"));
        var gpuSeconds = jobs.Sum(j => j.ExecutionMs) / 1000.0;

        var total = jobs.Sum(j => j.Count);
        var line = new ChatText().Plain($"{label}: {total} {(total == 1 ? "job" : "jobs")}");
        if (counts.Length > 0)
        {
            line.Plain($" ({counts})");
        }

        line.Plain(string.Create(CultureInfo.InvariantCulture, $", {gpuSeconds:0} GPU seconds"));
        var price = options.CurrentValue.PricePerGpuSecond;
        if (price > 0)
        {
            line.Plain(string.Create(CultureInfo.InvariantCulture, $", about {(decimal)gpuSeconds * price:0.00} {options.CurrentValue.Currency} (estimate)"));
        }

        return line.Plain(".\n");
    }

    private async Task<ChatText> AuditAsync(UserRef? subject, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var query = context.AuditEntries.AsNoTracking();
        if (subject is not null)
        {
            query = query.Where(a => a.Target == subject.Key);
        }

        var entries = await query.OrderByDescending(a => a.Id).Take(AuditLines).ToListAsync(cancellationToken);
        if (entries.Count == 0)
        {
            return ChatText.Of(subject is null ? "No moderator actions yet." : $"No moderator actions about {subject} yet.");
        }

        var text = new ChatText().Bold(subject is null ? "Latest moderator actions" : $"Moderator actions about {subject}").Plain("\n");
        foreach (var entry in entries)
        {
            text.Plain($"{ChatFormat.Time(entry.At)} · {entry.ModeratorName}: {entry.Action}");
            if (entry.Target is { } target)
            {
                text.Plain($" {target}");
            }

            text.Plain($" ({entry.Before ?? "–"} → {entry.After ?? "–"})\n");
        }

        return text;
    }

    /// <summary>Loads or creates the subject's record, applies a change, and stores it with its audit entry in one transaction.</summary>
    private async Task<ChatText> ChangeUserAsync(
        ModerateCommand command,
        string action,
        Func<UserRecord, (string Before, string After, string Reply)> change,
        CancellationToken cancellationToken)
    {
        var subject = command.Subject!;
        using var gate = await writeGate.EnterAsync(cancellationToken);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var record = await context.Users.SingleOrDefaultAsync(u => u.UserKey == subject.Key, cancellationToken);
        if (record is null)
        {
            record = new UserRecord { UserKey = subject.Key, DisplayName = subject.DisplayName ?? subject.Id };
            context.Users.Add(record);
        }
        else if (subject.DisplayName is { Length: > 0 } name)
        {
            record.DisplayName = name;
        }

        var (before, after, reply) = change(record);
        Audit(context, command, action, subject.Key, before, after);
        await context.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogChanged(logger, command.User.Key, action, subject.Key, before, after);
        return ChatText.Of(reply);
    }

    private void Audit(BotDbContext context, ModerateCommand command, string action, string? target, string before, string after) =>
        context.AuditEntries.Add(new AuditEntry
        {
            At = time.GetUtcNow(),
            ModeratorKey = command.User.Key,
            ModeratorName = command.User.DisplayName,
            Action = action,
            Target = target,
            Before = ChatFormat.Trim(before, 500),
            After = ChatFormat.Trim(after, 500),
        });

    private static string Name(UserRef subject, UserRecord? record)
    {
        if (subject.DisplayName is { Length: > 0 })
        {
            return subject.ToString();
        }

        return record is not null && record.DisplayName != subject.Id ? $"{record.DisplayName} ({subject.Id})" : subject.Id;
    }

    [LoggerMessage(EventId = 800, Level = LogLevel.Warning, Message = "{UserKey} tried the moderator command {Action} without being a moderator")]
    private static partial void LogRefused(ILogger logger, string userKey, ModeratorAction action);

    [LoggerMessage(EventId = 801, Level = LogLevel.Information, Message = "Moderator {ModeratorKey}: {Action} {Target} ({Before} -> {After})")]
    private static partial void LogChanged(ILogger logger, string moderatorKey, string action, string target, string before, string after);

    private string PeriodUnit => ChatFormat.Unit(quotaOptions.CurrentValue.Period);
}
