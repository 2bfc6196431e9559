using Bot.Jobs;
using Bot.Moderation;
using Bot.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bot.Tests.Moderation;

public sealed class PromptPolicyTests
{
    private static PromptPolicy Policy(string[]? terms = null, string[]? patterns = null) =>
        new(Options.Create(new ModerationOptions { BlockedTerms = [.. terms ?? []], BlockedPatterns = [.. patterns ?? []] }));

    [Theory]
    [InlineData("a GORE scene", "term \"gore\"")]
    [InlineData("gore.", "term \"gore\"")]
    public void Term_MatchesWholeWordIgnoringCase(string prompt, string rule)
    {
        Assert.Equal(rule, Policy(terms: ["gore"]).FindBrokenRule(prompt));
    }

    [Fact]
    public void Term_InsideAnotherWord_IsAllowed()
    {
        Assert.Null(Policy(terms: ["ass"]).FindBrokenRule("a class of bass players"));
    }

    [Fact]
    public void Pattern_Matches()
    {
        Assert.Equal(@"pattern \bcelebrity\s+\w+", Policy(patterns: [@"\bcelebrity\s+\w+"]).FindBrokenRule("Celebrity Bob dancing"));
    }

    [Fact]
    public async Task BlockedPrompt_IsRecordedAndMakesNoJob()
    {
        using var pipeline = new TestPipeline();
        pipeline.Moderation.BlockedTerms.Add("gore");
        var acceptor = pipeline.CreateAcceptor(pipeline.Gate);

        var outcome = await acceptor.AcceptAsync(TestPipeline.Generate(TestPipeline.User(), "lots of gore"), CancellationToken.None);

        Assert.Equal(AcceptResult.Blocked, outcome.Result);
        await using var context = await pipeline.Database.Factory.CreateDbContextAsync();
        Assert.Equal(0, await context.Jobs.CountAsync());
        Assert.Equal(0, await context.QuotaEntries.CountAsync());
        var rejection = await context.PromptRejections.SingleAsync();
        Assert.Equal("lots of gore", rejection.Prompt);
        Assert.Equal("term \"gore\"", rejection.Rule);
    }

    [Fact]
    public async Task BlockedNegativePrompt_IsRejectedToo()
    {
        using var pipeline = new TestPipeline();
        pipeline.Moderation.BlockedTerms.Add("gore");
        var acceptor = pipeline.CreateAcceptor(pipeline.Gate);
        var command = TestPipeline.Generate(TestPipeline.User(), "a fox") with { NegativePrompt = "no gore" };

        var outcome = await acceptor.AcceptAsync(command, CancellationToken.None);

        Assert.Equal(AcceptResult.Blocked, outcome.Result);
    }
}
