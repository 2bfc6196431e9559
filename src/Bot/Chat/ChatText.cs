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

/// <summary>A button under a message. <paramref name="Action"/> comes back when it is pressed, e.g. <c>cancel:12</c>.</summary>
public sealed record ChatButton(string Label, string Action);

/// <summary>
/// Platform-neutral formatted text. The core builds it from plain strings, and each adapter renders it
/// with its own escaping, so user text can never inject markup.
/// </summary>
public sealed class ChatText
{
    private readonly List<ChatSpan> _spans = [];
    private readonly List<ChatButton> _buttons = [];

    public IReadOnlyList<ChatSpan> Spans => _spans;

    /// <summary>The buttons under the message; an edit without buttons removes them.</summary>
    public IReadOnlyList<ChatButton> Buttons => _buttons;

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

    public ChatText Button(string label, string action)
    {
        _buttons.Add(new ChatButton(label, action));
        return this;
    }

    /// <summary>Adds the spans of <paramref name="other"/> after this text's own.</summary>
    public ChatText Append(ChatText other)
    {
        _spans.AddRange(other.Spans);
        return this;
    }

    /// <summary>
    /// Returns this text cut to at most <paramref name="maxLength"/> characters as the reader sees them, ending in "…"
    /// when something was cut; styles and buttons are kept, so the cut never breaks the platform's markup.
    /// </summary>
    public ChatText Truncate(int maxLength)
    {
        if (_spans.Sum(span => span.Text.Length) <= maxLength)
        {
            return this;
        }

        var cut = new ChatText();
        var room = maxLength - 1;
        foreach (var span in _spans)
        {
            if (span.Text.Length >= room)
            {
                // Never split a surrogate pair, which would leave half an emoji.
                var length = room > 0 && char.IsHighSurrogate(span.Text[room - 1]) ? room - 1 : room;
                cut._spans.Add(span with { Text = span.Text[..length] + "…" });
                break;
            }

            cut._spans.Add(span);
            room -= span.Text.Length;
        }

        cut._buttons.AddRange(_buttons);
        return cut;
    }

    /// <summary>Returns the text without markup, as a user would read it, followed by the buttons' labels.</summary>
    public string ToPlainString()
    {
        var builder = new StringBuilder();
        foreach (var span in _spans)
        {
            builder.Append(span.Text);
        }

        var text = builder.ToString().TrimEnd('\n');
        return _buttons.Count == 0 ? text : $"{text} [{string.Join("] [", _buttons.Select(button => button.Label))}]";
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
