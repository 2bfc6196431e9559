using System.Globalization;
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

    /// <summary>Returns the period's adjective: daily, weekly or monthly.</summary>
    public static string Adjective(QuotaPeriod period) => period switch
    {
        QuotaPeriod.Weekly => "weekly",
        QuotaPeriod.Monthly => "monthly",
        _ => "daily",
    };
}
