using Bot.Chat;
using Bot.Jobs;
using Bot.Tests.Support;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Bot.Tests.Jobs;

public sealed class StatusReporterTests : IDisposable
{
    private readonly TestPipeline _pipeline = new();
    private readonly List<string> _texts = [];

    public StatusReporterTests()
    {
        _pipeline.Port.SendReplyAsync(Arg.Any<ChatTarget>(), Arg.Do<ChatText>(text => Record(text)), Arg.Any<CancellationToken>()).Returns("900");
        _pipeline.Port.SendMessageAsync(Arg.Any<ChatTarget>(), Arg.Do<ChatText>(text => Record(text)), Arg.Any<CancellationToken>()).Returns("901");
        _pipeline.Port.EditMessageAsync(Arg.Any<ChatTarget>(), Arg.Any<string>(), Arg.Do<ChatText>(text => Record(text)), Arg.Any<CancellationToken>())
            .Returns(Task.CompletedTask);
    }

    public void Dispose() => _pipeline.Dispose();

    [Fact]
    public async Task Accept_SendsStatusMessageAndStoresItsId()
    {
        var job = await _pipeline.AcceptAsync();

        await _pipeline.Reporter.FlushAsync(job.Id);

        Assert.Contains("Queued", Assert.Single(_texts));
        Assert.Equal("900", (await _pipeline.Store.FindAsync(job.Id, CancellationToken.None))!.StatusMessageId);
    }

    [Fact]
    public async Task Publish_WithinInterval_WaitsAndSendsOnlyLatest()
    {
        var job = await _pipeline.AcceptAsync();
        await _pipeline.Reporter.FlushAsync(job.Id);

        _pipeline.Reporter.Publish(Running(job, 10));
        _pipeline.Reporter.Publish(Running(job, 20));
        _pipeline.Reporter.Publish(Running(job, 30));
        await WaitForPumpToWaitAsync();
        var sentBeforeInterval = _texts.Count;
        _pipeline.Time.Advance(TimeSpan.FromSeconds(3));
        await _pipeline.Reporter.FlushAsync(job.Id);

        Assert.Equal(1, sentBeforeInterval);
        Assert.Equal(2, _texts.Count);
        Assert.Contains("30%", _texts[1]);
    }

    [Fact]
    public async Task Publish_SameText_IsNotSentAgain()
    {
        var job = await _pipeline.AcceptAsync();
        await _pipeline.Reporter.FlushAsync(job.Id);

        _pipeline.Reporter.Publish(job);
        await _pipeline.Reporter.FlushAsync(job.Id);

        Assert.Single(_texts);
    }

    [Fact]
    public async Task Publish_FinalStateAfterRateLimit_IsRetried()
    {
        var job = await _pipeline.AcceptAsync();
        await _pipeline.Reporter.FlushAsync(job.Id);
        var finished = await _pipeline.Store.FinishAsync(job, JobState.Failed, "the worker failed.", change: null, CancellationToken.None);
        var calls = 0;
        _pipeline.Port.EditMessageAsync(Arg.Any<ChatTarget>(), Arg.Any<string>(), Arg.Any<ChatText>(), Arg.Any<CancellationToken>())
            .Returns(_ => ++calls == 1
                ? Task.FromException(new ChatSendException(ChatSendFailure.RateLimited, "429", retryAfter: TimeSpan.FromSeconds(5)))
                : Task.CompletedTask);

        _pipeline.Time.Advance(TimeSpan.FromSeconds(3));
        _pipeline.Reporter.Publish(finished!);
        await WaitForPumpToWaitAsync();
        _pipeline.Time.Advance(TimeSpan.FromSeconds(5));
        await _pipeline.Reporter.FlushAsync(job.Id);

        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Publish_ProgressAfterRateLimit_IsSkipped()
    {
        var job = await _pipeline.AcceptAsync();
        await _pipeline.Reporter.FlushAsync(job.Id);
        _pipeline.Port.EditMessageAsync(Arg.Any<ChatTarget>(), Arg.Any<string>(), Arg.Any<ChatText>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new ChatSendException(ChatSendFailure.RateLimited, "429", retryAfter: TimeSpan.FromSeconds(30)));

        _pipeline.Time.Advance(TimeSpan.FromSeconds(3));
        _pipeline.Reporter.Publish(Running(job, 50));
        await _pipeline.Reporter.FlushAsync(job.Id);

        await _pipeline.Port.Received(1).EditMessageAsync(Arg.Any<ChatTarget>(), Arg.Any<string>(), Arg.Any<ChatText>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Publish_MessageDeleted_SendsNewOne()
    {
        var job = await _pipeline.AcceptAsync();
        await _pipeline.Reporter.FlushAsync(job.Id);
        _pipeline.Port.EditMessageAsync(Arg.Any<ChatTarget>(), Arg.Any<string>(), Arg.Any<ChatText>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new ChatSendException(ChatSendFailure.MessageNotFound, "message to edit not found"));

        _pipeline.Time.Advance(TimeSpan.FromSeconds(3));
        _pipeline.Reporter.Publish(Running(job, 50));
        await _pipeline.Reporter.FlushAsync(job.Id);

        await _pipeline.Port.Received(1).SendReplyAsync(Arg.Any<ChatTarget>(), Arg.Any<ChatText>(), Arg.Any<CancellationToken>());
        await _pipeline.Port.Received(1).SendMessageAsync(Arg.Any<ChatTarget>(), Arg.Any<ChatText>(), Arg.Any<CancellationToken>());
        Assert.Equal("901", (await _pipeline.Store.FindAsync(job.Id, CancellationToken.None))!.StatusMessageId);
    }

    private static Job Running(Job job, int percent) =>
        new()
        {
            Id = job.Id,
            Platform = job.Platform,
            UserKey = job.UserKey,
            UserName = job.UserName,
            RequestKey = job.RequestKey,
            ChatId = job.ChatId,
            Prompt = job.Prompt,
            Task = job.Task,
            Size = job.Size,
            State = JobState.Running,
            ProgressStage = "denoising",
            ProgressPercent = percent,
            StatusMessageId = "900",
        };

    /// <summary>Gives the background pump time to reach its wait on the fake clock.</summary>
    private static Task WaitForPumpToWaitAsync() => Task.Delay(200);

    private void Record(ChatText text)
    {
        lock (_texts)
        {
            _texts.Add(text.ToPlainString());
        }
    }
}
