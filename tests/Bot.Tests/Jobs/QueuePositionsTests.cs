using Bot.Jobs;

namespace Bot.Tests.Jobs;

public sealed class QueuePositionsTests
{
    [Fact]
    public void Backlog_DoesNotPushOtherUsersBack()
    {
        // User a queued jobs 1 to 5, then user b queued job 6: b goes second, not sixth.
        var waiting = new[] { Job(1, "a"), Job(2, "a"), Job(3, "a"), Job(4, "a"), Job(5, "a"), Job(6, "b") };

        var positions = QueuePositions.Compute(waiting);

        Assert.Equal(1, positions[1]);
        Assert.Equal(2, positions[6]);
        Assert.Equal(3, positions[2]);
        Assert.Equal(6, positions[5]);
    }

    [Fact]
    public void Rounds_AlternateUsers()
    {
        var waiting = new[] { Job(1, "a"), Job(2, "b"), Job(3, "a"), Job(4, "b"), Job(5, "c") };

        var positions = QueuePositions.Compute(waiting);

        Assert.Equal([1, 2, 4, 5, 3], waiting.Select(job => positions[job.Id]));
    }

    private static Job Job(long id, string user) => new()
    {
        Id = id,
        UserKey = user,
        UserName = user,
        RequestKey = $"k{id}",
        ChatId = "1",
        Prompt = "p",
        Task = "ti2v-5B",
        Size = "1280*704",
    };
}
