using Bot.Chat;
using Bot.Jobs;
using Bot.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Bot.Tests.Jobs;

public sealed class JobScopeTests : IDisposable
{
    private readonly TestPipeline _pipeline = new();

    public void Dispose() => _pipeline.Dispose();

    [Fact]
    public async Task Filter_Unlimited_KeepsJobsOfServedPlatforms()
    {
        await _pipeline.AcceptAsync(TestPipeline.User("1"));
        await _pipeline.AcceptAsync(new ChatUser(ChatPlatform.Cli, "operator", "operator"));
        var scope = new JobScope(_pipeline.Ports);

        var jobs = await _pipeline.Store.QueryAsync(scope.Filter, CancellationToken.None);

        Assert.Equal(ChatPlatform.Telegram, Assert.Single(jobs).Platform);
    }

    [Fact]
    public async Task Filter_LimitedToRequest_KeepsOnlyThatJob()
    {
        await _pipeline.AcceptAsync(TestPipeline.User("1"));
        var command = TestPipeline.Generate(TestPipeline.User("2"), requestKey: "telegram:-100:own");
        await _pipeline.Acceptor.AcceptAsync(command, CancellationToken.None);
        var scope = new JobScope(_pipeline.Ports);

        scope.LimitTo("telegram:-100:own");
        var jobs = await _pipeline.Store.QueryAsync(scope.Filter, CancellationToken.None);

        Assert.Equal("telegram:-100:own", Assert.Single(jobs).RequestKey);
        await using var context = await _pipeline.Database.Factory.CreateDbContextAsync();
        Assert.Equal(2, await context.Jobs.CountAsync());
    }
}
