using Bot.Quotas;

namespace Bot.Tests.Quotas;

public sealed class QuotaPeriodsTests
{
    private static readonly DateTimeOffset Thursday = new(2026, 12, 3, 17, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Daily_StartsAtMidnightUtc()
    {
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero), QuotaPeriods.StartOf(QuotaPeriod.Daily, Thursday));
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero), QuotaPeriods.EndOf(QuotaPeriod.Daily, Thursday));
    }

    [Fact]
    public void Weekly_StartsOnMonday()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), QuotaPeriods.StartOf(QuotaPeriod.Weekly, Thursday));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero), QuotaPeriods.EndOf(QuotaPeriod.Weekly, Thursday));
    }

    [Fact]
    public void Weekly_OnSunday_BelongsToWeekFromMonday()
    {
        var sunday = new DateTimeOffset(2026, 12, 6, 23, 59, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), QuotaPeriods.StartOf(QuotaPeriod.Weekly, sunday));
    }

    [Fact]
    public void Monthly_StartsOnFirstDay()
    {
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), QuotaPeriods.StartOf(QuotaPeriod.Monthly, Thursday));
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), QuotaPeriods.EndOf(QuotaPeriod.Monthly, Thursday));
    }

    [Fact]
    public void Daily_UsesUtcNotLocalOffset()
    {
        // 01:00 on the 4th in UTC+3 is still the 3rd in UTC.
        var local = new DateTimeOffset(2026, 12, 4, 1, 0, 0, TimeSpan.FromHours(3));

        Assert.Equal(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero), QuotaPeriods.StartOf(QuotaPeriod.Daily, local));
    }
}
