using Bot.Chat;
using Bot.Telegram;

namespace Bot.Tests.Telegram;

public sealed class TelegramHtmlTests
{
    [Fact]
    public void Render_EscapesUserText()
    {
        var text = new ChatText().Italic("<b>fox</b> & \"snow\"");

        Assert.Equal("<i>&lt;b&gt;fox&lt;/b&gt; &amp; &quot;snow&quot;</i>", TelegramHtml.Render(text));
    }

    [Fact]
    public void Render_StylesAndLinks()
    {
        var text = new ChatText().Bold("Done").Plain(" ").Code("/help").Plain(" ").Link("video", new Uri("https://example.com/a?b=1&c=2"));

        Assert.Equal("<b>Done</b> <code>/help</code> <a href=\"https://example.com/a?b=1&amp;c=2\">video</a>", TelegramHtml.Render(text));
    }

    [Fact]
    public void Render_KeepsUnicodeAsIs()
    {
        Assert.Equal("🎬 été", TelegramHtml.Render(ChatText.Of("🎬 été")));
    }

    [Fact]
    public void Render_LongText_KeepsMarkup()
    {
        var text = new ChatText().Bold("Banned").Plain(": ").Italic(new string('<', 5000));

        var html = TelegramHtml.Render(text);

        Assert.StartsWith("<b>Banned</b>: <i>&lt;", html);
        Assert.EndsWith("&lt;…</i>", html);
        Assert.Equal(TelegramHtml.MaxTextLength, text.Truncate(TelegramHtml.MaxTextLength).ToPlainString().Length);
    }

    [Fact]
    public void Render_ShortText_IsNotCut()
    {
        Assert.Equal("<b>ok</b>", TelegramHtml.Render(new ChatText().Bold("ok"), maxLength: 2));
    }
}
