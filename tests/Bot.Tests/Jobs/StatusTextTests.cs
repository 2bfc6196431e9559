using Bot.Jobs;

namespace Bot.Tests.Jobs;

public sealed class StatusTextTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Running_ShowsStagePercentAndStep()
    {
        var job = Job(JobState.Running);
        job.ProgressStage = "denoising";
        job.ProgressPercent = 40;
        job.ProgressStep = 20;
        job.ProgressSteps = 50;

        var text = StatusText.For(job, Now).ToPlainString();

        Assert.Contains("Generating", text);
        Assert.Contains("▰▰▰▰▱▱▱▱▱▱ 40%", text);
        Assert.Contains("step 20/50", text);
    }

    [Fact]
    public void Failed_ShowsReasonAndQuotaNote()
    {
        var job = Job(JobState.Failed);
        job.FailureReason = "the GPU ran out of memory.";

        var text = StatusText.For(job, Now).ToPlainString();

        Assert.Contains("the GPU ran out of memory.", text);
        Assert.Contains("It does not count against the allowance.", text);
    }

    [Fact]
    public void Delivered_ShowsTimeTaken()
    {
        var job = Job(JobState.Delivered);
        job.FinishedAt = Now.AddMinutes(3).AddSeconds(5);

        Assert.Contains("Done in 3 min 05 s", StatusText.For(job, Now).ToPlainString());
    }

    [Fact]
    public void Submitted_LongWait_ExplainsColdStart()
    {
        var job = Job(JobState.Submitted);
        job.SubmittedAt = Now.AddMinutes(-2);

        Assert.Contains("worker is starting", StatusText.For(job, Now).ToPlainString());
    }

    [Theory]
    [InlineData(45, "45 s")]
    [InlineData(185, "3 min 05 s")]
    [InlineData(3720, "1 h 02 min")]
    [InlineData(-5, "0 s")]
    public void Duration_ReadsNaturally(int seconds, string expected)
    {
        Assert.Equal(expected, StatusText.Duration(TimeSpan.FromSeconds(seconds)));
    }

    private static Job Job(JobState state) => new()
    {
        Id = 12,
        UserKey = "telegram:1",
        UserName = "ann",
        RequestKey = "k",
        ChatId = "1",
        Prompt = "a fox",
        Task = "ti2v-5B",
        Size = "1280*704",
        State = state,
        CreatedAt = Now,
    };
}
