using Bot.Chat;

namespace Bot.Tests.Chat;

public sealed class ChatTextTests
{
    [Fact]
    public void Truncate_LongSpan_IsCut()
    {
        var text = new ChatText().Bold("abc").Plain("defgh").Button("Cancel", "cancel:1");

        var cut = text.Truncate(6);

        Assert.Equal([new ChatSpan(ChatStyle.Bold, "abc"), new ChatSpan(ChatStyle.Plain, "de…")], cut.Spans);
        Assert.Equal(text.Buttons, cut.Buttons);
    }

    [Fact]
    public void Truncate_ExactLength_Unchanged()
    {
        var text = ChatText.Of("abcdef");

        Assert.Same(text, text.Truncate(6));
    }

    [Fact]
    public void Truncate_NeverSplitsAnEmoji()
    {
        var cut = ChatText.Of("ab🎬cd").Truncate(4);

        Assert.Equal("ab…", cut.ToPlainString());
    }
}
