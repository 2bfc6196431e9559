using Bot.Generation;

namespace Bot.Tests.Generation;

public sealed class PromptValidatorTests
{
    [Fact]
    public void Check_PlainPrompt_IsValidAndTrimmed()
    {
        var check = PromptValidator.Check("  a red fox   running through snow  ", 1000);

        Assert.True(check.IsValid);
        Assert.Equal("a red fox running through snow", check.Prompt);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n\t ")]
    public void Check_Empty_ReportsEmpty(string? prompt)
    {
        var check = PromptValidator.Check(prompt, 1000);

        Assert.Equal(PromptProblem.Empty, check.Problem);
    }

    [Fact]
    public void Check_OverLimit_ReportsLengthSeen()
    {
        var check = PromptValidator.Check(new string('a', 1001), 1000);

        Assert.Equal(PromptProblem.TooLong, check.Problem);
        Assert.Equal(1001, check.Length);
    }

    [Fact]
    public void Check_AtLimit_IsValid()
    {
        var check = PromptValidator.Check(new string('a', 1000), 1000);

        Assert.True(check.IsValid);
    }

    [Fact]
    public void Check_CountsCodePointsAsTheWorkerDoes()
    {
        // A family emoji is one character on screen, seven code points and eleven UTF-16 units; the worker counts code points.
        var check = PromptValidator.Check("👨‍👩‍👧‍👦", 7);
        var tooLong = PromptValidator.Check("👨‍👩‍👧‍👦", 6);

        Assert.True(check.IsValid);
        Assert.Equal(PromptProblem.TooLong, tooLong.Problem);
        Assert.Equal(7, tooLong.Length);
    }

    [Theory]
    [InlineData("a fox\u0000")]
    [InlineData("a \u001b[31mfox")]
    [InlineData("a fox\u007f")]
    [InlineData("a fox\u0085")]
    public void Check_ControlCharacter_IsRejected(string prompt)
    {
        var check = PromptValidator.Check(prompt, 1000);

        Assert.Equal(PromptProblem.ControlCharacters, check.Problem);
    }

    [Fact]
    public void Check_LineBreaks_BecomeSpaces()
    {
        var check = PromptValidator.Check("a red fox\nrunning\r\nthrough\tsnow", 1000);

        Assert.Equal("a red fox running through snow", check.Prompt);
    }
}
