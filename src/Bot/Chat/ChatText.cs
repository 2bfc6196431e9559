using System.Text;

namespace Bot.Chat;

/// <summary>The styles a span of chat text can have; each platform renders them in its own markup.</summary>
public enum ChatStyle
{
    Plain,
    Bold,
    Italic,
    Code,
    Link,
}

/// <summary>A run of text with one style. <paramref name="Url"/> is set for links only.</summary>
public sealed record ChatSpan(ChatStyle Style, string Text, Uri? Url = null);

/// <summary>
/// Platform-neutral formatted text. The core builds it from plain strings, and each adapter renders it
/// with its own escaping, so user text can never inject markup.
/// </summary>
public sealed class ChatText
{
    private readonly List<ChatSpan> _spans = [];

    public IReadOnlyList<ChatSpan> Spans => _spans;

    public static ChatText Of(string text) => new ChatText().Plain(text);

    public ChatText Plain(string text) => Add(ChatStyle.Plain, text);

    public ChatText Bold(string text) => Add(ChatStyle.Bold, text);

    public ChatText Italic(string text) => Add(ChatStyle.Italic, text);

    public ChatText Code(string text) => Add(ChatStyle.Code, text);

    public ChatText Link(string text, Uri url)
    {
        _spans.Add(new ChatSpan(ChatStyle.Link, text, url));
        return this;
    }

    public ChatText Line(string text = "") => Plain(text + "\n");

    /// <summary>Adds the spans of <paramref name="other"/> after this text's own.</summary>
    public ChatText Append(ChatText other)
    {
        _spans.AddRange(other.Spans);
        return this;
    }

    /// <summary>Returns the text without markup, as a user would read it.</summary>
    public string ToPlainString()
    {
        var builder = new StringBuilder();
        foreach (var span in _spans)
        {
            builder.Append(span.Text);
        }

        return builder.ToString().TrimEnd('\n');
    }

    public override string ToString() => ToPlainString();

    private ChatText Add(ChatStyle style, string text)
    {
        if (text.Length > 0)
        {
            _spans.Add(new ChatSpan(style, text));
        }

        return this;
    }
}
