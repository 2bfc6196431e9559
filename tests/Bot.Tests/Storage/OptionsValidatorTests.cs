using Bot.Generation;
using Bot.Quotas;
using Bot.RunPod;
using Bot.Telegram;
using Microsoft.Extensions.Options;

namespace Bot.Tests.Storage;

public sealed class OptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(new RunPodOptionsValidator().Validate(null, new RunPodOptions()).Succeeded);
        Assert.True(new TelegramOptionsValidator().Validate(null, new TelegramOptions()).Succeeded);
        Assert.True(new GenerationOptionsValidator().Validate(null, new GenerationOptions()).Succeeded);
        Assert.True(new QuotaOptionsValidator().Validate(null, new QuotaOptions()).Succeeded);
    }

    [Fact]
    public void RunPod_EndpointWithoutKey_NamesTheKey()
    {
        var result = new RunPodOptionsValidator().Validate(null, new RunPodOptions { EndpointId = "abc123" });

        Assert.Contains(result.Failures!, failure => failure.StartsWith("RunPod:ApiKey is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void PollInterval_OutOfRange_NamesKey()
    {
        var result = new RunPodOptionsValidator().Validate(null, new RunPodOptions { PollInterval = TimeSpan.Zero });

        Assert.Contains(result.Failures!, failure => failure.StartsWith("RunPod:PollInterval must be between", StringComparison.Ordinal) && failure.Contains("(it is 00:00:00)"));
    }

    [Fact]
    public void Telegram_MalformedToken_IsRejectedWithoutEchoingIt()
    {
        var result = new TelegramOptionsValidator().Validate(null, new TelegramOptions { BotToken = "not-a-token-secret" });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Telegram:BotToken", failure);
        Assert.DoesNotContain("not-a-token-secret", failure);
    }

    [Fact]
    public void Generation_SizeNotOfTask_ListsAllowedSizes()
    {
        var result = new GenerationOptionsValidator().Validate(null, new GenerationOptions { Size = "1280*720" });

        Assert.Contains(result.Failures!, failure => failure.Contains("1280*704, 704*1280"));
    }

    [Fact]
    public void Generation_LongNegativePrompt_IsRejected()
    {
        var result = new GenerationOptionsValidator().Validate(null, new GenerationOptions { NegativePrompt = new string('x', 2001) });

        Assert.Contains(result.Failures!, failure => failure.StartsWith("Generation:NegativePrompt is 2001 characters long", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:00:00", "00:00:00")]
    [InlineData("00:00:00.1", "00:00:00.1")]
    [InlineData("00:01:00", "00:01:00")]
    [InlineData("7.00:00:00", "7.00:00:00")]
    public void Durations_AreShownAsWritten(string value, string expected)
    {
        Assert.Equal(expected, Bot.Configuration.OptionsErrors.Format(TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Generation_UnknownTask_IsRejected()
    {
        var result = new GenerationOptionsValidator().Validate(null, new GenerationOptions { Task = "t2v-1.3B" });

        Assert.False(result.Succeeded);
    }

    [Fact]
    public void Quotas_NegativeAllowance_IsRejected()
    {
        Assert.False(new QuotaOptionsValidator().Validate(null, new QuotaOptions { DefaultAllowance = -1 }).Succeeded);
    }

    [Fact]
    public void Validators_ReportEveryProblemAtOnce()
    {
        var result = new RunPodOptionsValidator().Validate(null, new RunPodOptions { MaxInFlightJobs = 0, MaxRetries = 99 });

        Assert.Equal(2, result.Failures!.Count());
        Assert.IsType<ValidateOptionsResult>(result);
    }
}
