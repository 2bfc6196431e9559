using System.Globalization;
using Bot.Jobs;
using Bot.Quotas;

namespace Bot.Chat;

/// <summary>Formats the numbers, times and periods that replies show, the same way everywhere.</summary>
public static class ChatFormat
{
    /// <summary>Returns "1 video" or "N videos".</summary>
    public static string Videos(int count) => count == 1 ? "1 video" : $"{count} videos";

    /// <summary>Shortens text to <paramref name="length"/> characters, ending with an ellipsis when it was cut.</summary>
    public static string Trim(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");

    /// <summary>Formats a moment in UTC, as <c>2026-12-05 00:00 UTC</c>.</summary>
    public static string Time(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Returns the period's unit: day, week or month.</summary>
    public static string Unit(QuotaPeriod period) => period switch
    {
        QuotaPeriod.Weekly => "week",
        QuotaPeriod.Monthly => "month",
        _ => "day",
    };

    /// <summary>Returns the current period in words: today, this week or this month.</summary>
    public static string Current(QuotaPeriod period) => period switch
    {
        QuotaPeriod.Weekly => "this week",
        QuotaPeriod.Monthly => "this month",
        _ => "today",
    };

    /// <summary>Returns the period's adjective: daily, weekly or monthly.</summary>
    public static string Adjective(QuotaPeriod period) => period switch
    {
        QuotaPeriod.Weekly => "weekly",
        QuotaPeriod.Monthly => "monthly",
        _ => "daily",
    };

    /// <summary>Names a user as "name (id)", the same way in every reply; the id is the part of the user key after the platform.</summary>
    public static string User(string name, string userKey) => $"{Trim(name, 40)} ({IdOf(userKey)})";

    /// <summary>Returns the platform's user id from a user key such as <c>telegram:42</c>.</summary>
    public static string IdOf(string userKey) => userKey[(userKey.IndexOf(':', StringComparison.Ordinal) + 1)..];

    /// <summary>Names a job state the way users read it in /jobs and /stats.</summary>
    public static string State(JobState state) => state switch
    {
        JobState.Accepted => "⏳ queued",
        JobState.Submitted => "⏳ waiting for a GPU",
        JobState.Running => "🎬 generating",
        JobState.Delivering => "📤 sending",
        JobState.Delivered => "✅ delivered",
        JobState.Failed => "❌ failed",
        JobState.Cancelled => "🚫 cancelled",
        JobState.TimedOut => "⌛ timed out",
        JobState.Expired => "⌛ expired",
        _ => state.ToString(),
    };
}
