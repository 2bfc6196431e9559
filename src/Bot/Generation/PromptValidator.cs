using System.Text;

namespace Bot.Generation;

/// <summary>Why a prompt was rejected.</summary>
public enum PromptProblem
{
    None,
    Empty,
    TooLong,
    ControlCharacters,
}

/// <summary>The outcome of checking a prompt: the cleaned prompt, or the problem with it.</summary>
public sealed record PromptCheck(string Prompt, PromptProblem Problem, int Length)
{
    public bool IsValid => Problem == PromptProblem.None;
}

/// <summary>Checks a prompt before anything is reserved or sent, so a bad request costs nothing.</summary>
public static class PromptValidator
{
    /// <summary>
    /// Trims the prompt and turns line breaks and tabs into spaces, then rejects it when it is empty, longer
    /// than <paramref name="maxLength"/> code points, or contains other control characters.
    /// </summary>
    public static PromptCheck Check(string? raw, int maxLength)
    {
        var builder = new StringBuilder(raw?.Length ?? 0);
        foreach (var character in raw ?? string.Empty)
        {
            if (character is '\n' or '\r' or '\t')
            {
                builder.Append(' ');
            }
            else if (char.IsControl(character))
            {
                return new PromptCheck(string.Empty, PromptProblem.ControlCharacters, raw!.Length);
            }
            else
            {
                builder.Append(character);
            }
        }

        var prompt = CollapseSpaces(builder.ToString().Trim());
        if (prompt.Length == 0)
        {
            return new PromptCheck(string.Empty, PromptProblem.Empty, 0);
        }

        // Length counts Unicode code points, as the worker does, so no prompt the bot accepts is rejected there.
        var length = prompt.EnumerateRunes().Count();
        return length > maxLength
            ? new PromptCheck(string.Empty, PromptProblem.TooLong, length)
            : new PromptCheck(prompt, PromptProblem.None, length);
    }

    private static string CollapseSpaces(string text)
    {
        var builder = new StringBuilder(text.Length);
        var previousWasSpace = false;
        foreach (var character in text)
        {
            var isSpace = character == ' ';
            if (!(isSpace && previousWasSpace))
            {
                builder.Append(character);
            }

            previousWasSpace = isSpace;
        }

        return builder.ToString();
    }
}
