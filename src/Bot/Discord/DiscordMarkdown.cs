using System.Text;
using Bot.Chat;

namespace Bot.Discord;

/// <summary>Renders <see cref="ChatText"/> as Discord markdown, escaping every piece of text.</summary>
public static class DiscordMarkdown
{
    /// <summary>Discord's limit for a message's content, in characters.</summary>
    public const int MaxContentLength = 2000;

    // Characters that start markdown anywhere in a line: emphasis, code, spoilers, quotes, masked links and mentions.
    // Headings (#) and lists (-) only start at the beginning of a line, so those are escaped there alone.
    private const string Special = "\\*_~`|>[]()<@";

    public static string Render(ChatText text)
    {
        var markdown = new StringBuilder();
        foreach (var span in text.Spans)
        {
            switch (span.Style)
            {
                case ChatStyle.Bold:
                    markdown.Append("**").Append(Escape(span.Text)).Append("**");
                    break;
                case ChatStyle.Italic:
                    markdown.Append('*').Append(Escape(span.Text)).Append('*');
                    break;
                case ChatStyle.Code:
                    // Inside code nothing is markdown; a backtick in the text needs the double-backtick form.
                    markdown.Append(span.Text.Contains('`', StringComparison.Ordinal) ? $"`` {span.Text} ``" : $"`{span.Text}`");
                    break;
                case ChatStyle.Link:
                    markdown.Append('[').Append(Escape(span.Text)).Append("](").Append(span.Url!.AbsoluteUri).Append(')');
                    break;
                default:
                    markdown.Append(Escape(span.Text));
                    break;
            }
        }

        var result = EscapeLineStarts(markdown.ToString().TrimEnd('\n'));
        return result.Length <= MaxContentLength ? result : string.Concat(result.AsSpan(0, MaxContentLength - 1), "…");
    }

    private static string EscapeLineStarts(string text) =>
        string.Join('\n', text.Split('\n').Select(line => line.StartsWith('#') || line.StartsWith('-') ? "\\" + line : line));

    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var character in text)
        {
            if (Special.Contains(character, StringComparison.Ordinal))
            {
                escaped.Append('\\');
            }

            escaped.Append(character);
        }

        return escaped.ToString();
    }
}
