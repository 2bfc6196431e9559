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

    /// <summary>The longest ban reason or pause message, in characters, so every reply that shows one stays within the platforms' limits.</summary>
    public const int MaxTextLength = 300;
    private const int AuditLines = 15;
    private const int AuditValueLength = 60;

    public static ChatText NotModeratorText { get; } = ChatText.Of("Only moderators can use this command, so nothing was done.");

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

        if (command.Text is { Length: > MaxTextLength } text)
        {
            return ChatText.Of($"The {(command.Action == ModeratorAction.Ban ? "reason" : "message")} is {text.Length} characters long; keep it to {MaxTextLength}. Nothing was changed.");
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

        var text = new ChatText().Bold(await NameAsync(context, subject, cancellationToken)).Plain("\n");
        text.Plain(usage.OwnAllowance is { } own
            ? $"Allowance: {own} per {PeriodUnit} (set for this user; the default is {quotaOptions.CurrentValue.DefaultAllowance})"
            : $"Allowance: {quotaOptions.CurrentValue.DefaultAllowance} per {PeriodUnit} (the default)");
        if (usage.Granted > 0)
        {
            text.Plain($", plus {usage.Granted} granted {ChatFormat.Current(quotaOptions.CurrentValue.Period)}");
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
            return ChatText.Of($"The allowance must be a whole number from 0 to {MaxAllowance}{Given(command.Number)}."
                + TelegramUsage(command, "/quota set <user id> <allowance>, or reply to the user's message with /quota set <allowance>"));
        }

        return await ChangeUserAsync(command, "quota set", (record, name) =>
        {
            var before = record.Allowance?.ToString(CultureInfo.InvariantCulture) ?? $"default ({quotaOptions.CurrentValue.DefaultAllowance})";
            record.Allowance = allowance;
            return (before, allowance.ToString(CultureInfo.InvariantCulture), $"{name} may now make {ChatFormat.Videos(allowance)} per {PeriodUnit}.");
        }, cancellationToken);
    }

    private async Task<ChatText> ResetAllowanceAsync(ModerateCommand command, CancellationToken cancellationToken) =>
        await ChangeUserAsync(command, "quota reset", (record, name) =>
        {
            var allowance = quotaOptions.CurrentValue.DefaultAllowance;
            if (record.Allowance is null)
            {
                return (null, null, $"{name} already has the default allowance of {ChatFormat.Videos(allowance)} per {PeriodUnit}; nothing changed.");
            }

            var before = record.Allowance.Value.ToString(CultureInfo.InvariantCulture);
            record.Allowance = null;
            return (before, $"default ({allowance})", $"{name} is back to the default allowance of {ChatFormat.Videos(allowance)} per {PeriodUnit}.");
        }, cancellationToken);

    private async Task<ChatText> BanAsync(ModerateCommand command, CancellationToken cancellationToken) =>
        await ChangeUserAsync(command, "ban", (record, name) =>
        {
            var before = BanState(record);
            var reason = string.IsNullOrWhiteSpace(command.Text) ? null : command.Text.Trim();
            if (record.IsBanned && record.BanReason == reason)
            {
                return (null, null, $"{name} is already banned for this reason; nothing changed.");
            }

            var wasBanned = record.IsBanned;
            record.BannedAt ??= time.GetUtcNow();
            record.BanReason = reason;
            record.BannedBy = command.User.Key;
            var reply = wasBanned
                ? $"{name} was already banned; the reason is updated."
                : $"{name} is banned and can no longer make videos. Jobs already accepted still run; cancel them with {CommandName(command, "/cancel <job>", "/mod cancel")}.";
            return (before, BanState(record), reply);
        }, cancellationToken);

    private async Task<ChatText> UnbanAsync(ModerateCommand command, CancellationToken cancellationToken) =>
        await ChangeUserAsync(command, "unban", (record, name) =>
        {
            if (!record.IsBanned)
            {
                return (null, null, $"{name} was not banned; nothing changed.");
            }

            var before = BanState(record);
            record.BannedAt = null;
            record.BanReason = null;
            record.BannedBy = null;
            return (before, "not banned", $"{name} is no longer banned.");
        }, cancellationToken);

    private static string BanState(UserRecord record) =>
        !record.IsBanned ? "not banned" : record.BanReason is { } reason ? $"banned: {reason}" : "banned";

    private async Task<ChatText> GrantAsync(ModerateCommand command, CancellationToken cancellationToken)
    {
        if (command.Number is not { } videos || videos is < 1 or > MaxGrant)
        {
            return ChatText.Of($"The extra videos must be a whole number from 1 to {MaxGrant}{Given(command.Number)}."
                + TelegramUsage(command, "/quota grant <user id> <videos>, or reply to the user's message with /quota grant <videos>"));
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

        return ChatText.Of($"{await NameAsync(context, subject, cancellationToken)} gets {ChatFormat.Videos(videos)} more {ChatFormat.Current(quotaOptions.CurrentValue.Period)} and now has {before.Remaining + videos} left.");
    }

    private async Task<ChatText> PauseAsync(ModerateCommand command, CancellationToken cancellationToken)
    {
        var message = string.IsNullOrWhiteSpace(command.Text) ? string.Empty : command.Text.Trim();
        var after = message.Length > 0 ? $"paused: {message}" : "paused";
        using var gate = await writeGate.EnterAsync(cancellationToken);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var setting = await context.Settings.SingleOrDefaultAsync(s => s.Key == JobAcceptor.PauseSetting, cancellationToken);
        string before;
        if (setting is null)
        {
            before = "running";
            context.Settings.Add(new BotSetting { Key = JobAcceptor.PauseSetting, Value = message });
        }
        else
        {
            before = setting.Value is { Length: > 0 } old ? $"paused: {old}" : "paused";
            if (before == after)
            {
                return ChatText.Of($"The bot is already paused {(message.Length > 0 ? "with this message" : "without a message")}; nothing changed. Use {CommandName(command, "/resume", "/mod resume")} to take requests again.");
            }

            setting.Value = message;
        }

        Audit(context, command, "pause", null, before, after);
        await context.SaveChangesAsync(cancellationToken);
        var resume = CommandName(command, "/resume", "/mod resume");
        if (setting is not null)
        {
            return ChatText.Of($"The bot was already paused; new requests now get {(message.Length > 0 ? "your new message" : "the standard notice")}. Use {resume} to take requests again.");
        }

        var turnedAway = message.Length > 0 ? "turned away with your message" : "turned away with a notice that the bot is paused";
        return ChatText.Of($"The bot is paused: new requests are {turnedAway}, and jobs already accepted still finish. Use {resume} to take requests again.");
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

        var unfinished = await context.Jobs
            .Where(j => JobStates.Unfinished.Contains(j.State))
            .GroupBy(j => j.State)
            .Select(g => new { State = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var paused = await context.Settings.AnyAsync(s => s.Key == JobAcceptor.PauseSetting, cancellationToken);
        var current = unfinished.Count == 0
            ? "no unfinished jobs"
            : string.Join(", ", unfinished.OrderBy(j => j.State).Select(j => $"{j.Count} {ChatFormat.State(j.State)}"));
        text.Plain($"Now: {current}{(paused ? "; the bot is paused" : string.Empty)}.\n");

        var rejections = await context.PromptRejections
            .Where(r => r.At >= periodStart)
            .OrderByDescending(r => r.At)
            .Take(3)
            .ToListAsync(cancellationToken);
        var rejected = await context.PromptRejections.CountAsync(r => r.At >= periodStart, cancellationToken);
        text.Plain($"Prompts rejected by the policy {ChatFormat.Current(quotaOptions.CurrentValue.Period)}: {rejected}");
        foreach (var rejection in rejections)
        {
            text.Plain($"\n· {ChatFormat.User(rejection.UserName, rejection.UserKey)}, {rejection.Rule}: ").Italic(ChatFormat.Trim(rejection.Prompt, 80));
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
        var counts = string.Join(", ", jobs.OrderBy(j => j.State).Select(j => $"{j.Count} {ChatFormat.State(j.State)}"));
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
        var about = subject is null ? null : await NameAsync(context, subject, cancellationToken);
        if (entries.Count == 0)
        {
            return ChatText.Of(about is null ? "No moderator actions yet." : $"No moderator actions about {about} yet.");
        }

        var targets = entries.Select(e => e.Target).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var names = await DisplayNamesAsync(context, targets, cancellationToken);
        var text = new ChatText().Bold(about is null ? "Latest moderator actions" : $"Moderator actions about {about}").Plain("\n");
        foreach (var entry in entries)
        {
            text.Plain($"{ChatFormat.Time(entry.At)} · {ChatFormat.User(entry.ModeratorName, entry.ModeratorKey)}: {entry.Action}");
            if (entry.Target is { } target)
            {
                text.Plain(names.TryGetValue(target, out var name) ? $" {ChatFormat.User(name, target)}" : $" {ChatFormat.IdOf(target)}");
            }

            // Long ban reasons and pause messages are cut, so the whole list fits in one message.
            text.Plain($" ({ChatFormat.Trim(entry.Before ?? "–", AuditValueLength)} → {ChatFormat.Trim(entry.After ?? "–", AuditValueLength)})\n");
        }

        return text;
    }

    /// <summary>Returns the user as "name (id)", for replies outside this class that name a user.</summary>
    public async Task<string> DescribeUserAsync(UserRef subject, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await NameAsync(context, subject, cancellationToken);
    }

    /// <summary>Stores a moderator action that another part of the bot carried out, such as cancelling someone's job.</summary>
    public async Task RecordAsync(ChatUser moderator, string action, string target, string before, string after, CancellationToken cancellationToken)
    {
        using var gate = await writeGate.EnterAsync(cancellationToken);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        Audit(context, moderator, action, target, before, after);
        await context.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Loads or creates the subject's record, applies a change, and stores it with its audit entry in one transaction.</summary>
    /// <param name="change">Changes the record and returns the value before and after for the audit log (both null when nothing changed) and the reply.</param>
    private async Task<ChatText> ChangeUserAsync(
        ModerateCommand command,
        string action,
        Func<UserRecord, string, (string? Before, string? After, string Reply)> change,
        CancellationToken cancellationToken)
    {
        var subject = command.Subject!;
        using var gate = await writeGate.EnterAsync(cancellationToken);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var known = await KnownNameAsync(context, subject, cancellationToken);
        var name = Describe(subject, known);
        var record = await context.Users.SingleOrDefaultAsync(u => u.UserKey == subject.Key, cancellationToken);
        if (record is null)
        {
            record = new UserRecord { UserKey = subject.Key, DisplayName = known ?? subject.Id };
            context.Users.Add(record);
        }
        else if (subject.DisplayName is { Length: > 0 } shown)
        {
            record.DisplayName = shown;
        }

        var (before, after, reply) = change(record, name);
        if (before is null || after is null)
        {
            return ChatText.Of(reply);
        }

        Audit(context, command, action, subject.Key, before, after);
        await context.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogChanged(logger, command.User.Key, action, subject.Key, before, after);
        return ChatText.Of(reply);
    }

    /// <summary>
    /// Returns the user as "name (id)", with the name from the platform, the user's record or their latest job.
    /// A user the bot has no record of is "id (not seen by the bot yet)".
    /// </summary>
    private static async Task<string> NameAsync(BotDbContext context, UserRef subject, CancellationToken cancellationToken) =>
        Describe(subject, await KnownNameAsync(context, subject, cancellationToken));

    private static string Describe(UserRef subject, string? knownName) =>
        knownName is null ? $"{subject.Id} (not seen by the bot yet)" : ChatFormat.User(knownName, subject.Key);

    /// <summary>Returns the name the platform showed for the user, or the last one the bot stored for them; null when it has none.</summary>
    private static async Task<string?> KnownNameAsync(BotDbContext context, UserRef subject, CancellationToken cancellationToken)
    {
        if (subject.DisplayName is { Length: > 0 } shown)
        {
            return shown;
        }

        var names = await DisplayNamesAsync(context, [subject.Key], cancellationToken);
        return names.GetValueOrDefault(subject.Key);
    }

    /// <summary>Returns the stored name for each user key, from the user records and jobs. Keys without a stored name are left out.</summary>
    private static async Task<Dictionary<string, string>> DisplayNamesAsync(BotDbContext context, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var stored = await context.Users.AsNoTracking()
            .Where(u => keys.Contains(u.UserKey))
            .Select(u => new { u.UserKey, u.DisplayName })
            .ToListAsync(cancellationToken);
        var fromJobs = await context.Jobs.AsNoTracking()
            .Where(j => keys.Contains(j.UserKey))
            .GroupBy(j => j.UserKey)
            .Select(g => new { UserKey = g.Key, UserName = g.OrderByDescending(j => j.Id).Select(j => j.UserName).First() })
            .ToListAsync(cancellationToken);

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var job in fromJobs)
        {
            names[job.UserKey] = job.UserName;
        }

        foreach (var user in stored.Where(u => u.DisplayName != ChatFormat.IdOf(u.UserKey)))
        {
            names[user.UserKey] = user.DisplayName;
        }

        return names;
    }

    private static string CommandName(ModerateCommand command, string telegram, string discord) =>
        command.User.Platform == ChatPlatform.Discord ? discord : telegram;

    private static string TelegramUsage(ModerateCommand command, string usage) =>
        command.User.Platform == ChatPlatform.Telegram ? $" Use {usage}." : string.Empty;

    private static string Given(int? number) => number is { } value ? string.Create(CultureInfo.InvariantCulture, $" (it is {value})") : string.Empty;

    private void Audit(BotDbContext context, ModerateCommand command, string action, string? target, string before, string after) =>
        Audit(context, command.User, action, target, before, after);

    private void Audit(BotDbContext context, ChatUser moderator, string action, string? target, string before, string after) =>
        context.AuditEntries.Add(new AuditEntry
        {
            At = time.GetUtcNow(),
            ModeratorKey = moderator.Key,
            ModeratorName = moderator.DisplayName,
            Action = action,
            Target = target,
            Before = ChatFormat.Trim(before, 500),
            After = ChatFormat.Trim(after, 500),
        });


    [LoggerMessage(EventId = 800, Level = LogLevel.Warning, Message = "{UserKey} tried the moderator command {Action} without being a moderator")]
    private static partial void LogRefused(ILogger logger, string userKey, ModeratorAction action);

    [LoggerMessage(EventId = 801, Level = LogLevel.Information, Message = "Moderator {ModeratorKey}: {Action} {Target} ({Before} -> {After})")]
    private static partial void LogChanged(ILogger logger, string moderatorKey, string action, string target, string before, string after);

    private string PeriodUnit => ChatFormat.Unit(quotaOptions.CurrentValue.Period);
}
