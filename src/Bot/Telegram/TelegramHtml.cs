using System.Text;
using Bot.Chat;

namespace Bot.Telegram;

/// <summary>Renders <see cref="ChatText"/> as Telegram's HTML, escaping every piece of text.</summary>
public static class TelegramHtml
{
    /// <summary>Telegram's limit for a message's text, in characters after the markup is parsed.</summary>
    public const int MaxTextLength = 4096;

    /// <summary>Telegram's limit for a media caption, in characters after the markup is parsed.</summary>
    public const int MaxCaptionLength = 1024;

    /// <summary>Renders the text as HTML, cut to <paramref name="maxLength"/> visible characters if it is longer.</summary>
    public static string Render(ChatText text, int maxLength = MaxTextLength)
    {
        var html = new StringBuilder();
        foreach (var span in text.Truncate(maxLength).Spans)
        {
            var escaped = Escape(span.Text);
            switch (span.Style)
            {
                case ChatStyle.Bold:
                    html.Append("<b>").Append(escaped).Append("</b>");
                    break;
                case ChatStyle.Italic:
                    html.Append("<i>").Append(escaped).Append("</i>");
                    break;
                case ChatStyle.Code:
                    html.Append("<code>").Append(escaped).Append("</code>");
                    break;
                case ChatStyle.Link:
                    html.Append("<a href=\"").Append(Escape(span.Url!.AbsoluteUri)).Append("\">").Append(escaped).Append("</a>");
                    break;
                default:
                    html.Append(escaped);
                    break;
            }
        }

        return html.ToString().TrimEnd('\n');
    }

    /// <summary>Escapes the characters Telegram's HTML parser treats as markup: &amp;, &lt;, &gt; and the quote.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal);
}
