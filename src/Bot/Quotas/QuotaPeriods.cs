namespace Bot.Quotas;

/// <summary>Computes the start and end of allowance periods, in UTC.</summary>
public static class QuotaPeriods
{
    /// <summary>Returns the start of the period that contains <paramref name="now"/>.</summary>
    public static DateTimeOffset StartOf(QuotaPeriod period, DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        return period switch
        {
            QuotaPeriod.Daily => today,
            QuotaPeriod.Weekly => today.AddDays(-(((int)today.DayOfWeek + 6) % 7)),
            QuotaPeriod.Monthly => new DateTimeOffset(today.Year, today.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown quota period."),
        };
    }

    /// <summary>Returns the moment the period that contains <paramref name="now"/> ends and the allowance resets.</summary>
    public static DateTimeOffset EndOf(QuotaPeriod period, DateTimeOffset now)
    {
        var start = StartOf(period, now);
        return period switch
        {
            QuotaPeriod.Daily => start.AddDays(1),
            QuotaPeriod.Weekly => start.AddDays(7),
            QuotaPeriod.Monthly => start.AddMonths(1),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown quota period."),
        };
    }
}
