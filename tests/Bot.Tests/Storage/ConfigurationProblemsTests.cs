using Bot.Cli;

namespace Bot.Tests.Storage;

public sealed class ConfigurationProblemsTests
{
    [Fact]
    public void BadDuration_NamesKeyAndFormat()
    {
        var exception = new InvalidOperationException("Failed to convert configuration value 'abc' at 'RunPod:PollInterval' to type 'System.TimeSpan'.");

        var message = Assert.Single(ConfigurationProblems.Describe(exception));

        Assert.Equal("RunPod:PollInterval must be a duration written as hh:mm:ss, for example 00:00:02 for two seconds (it is 'abc').", message);
    }

    [Fact]
    public void BadEnum_ListsTheNames()
    {
        var exception = new InvalidOperationException("Failed to convert configuration value 'Hourly' at 'Quotas:Period' to type 'Bot.Quotas.QuotaPeriod'.");

        Assert.Equal("Quotas:Period must be one of Daily, Weekly, Monthly (it is 'Hourly').", Assert.Single(ConfigurationProblems.Describe(exception)));
    }

    [Fact]
    public void OtherException_IsNotAConfigurationProblem()
    {
        Assert.Empty(ConfigurationProblems.Describe(new InvalidOperationException("Something else.")));
    }
}
