using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Bot.Moderation;

/// <summary>Rejects prompts that contain a blocked term or match a blocked pattern, before anything is reserved or sent.</summary>
public sealed class PromptPolicy
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private readonly List<(Regex Regex, string Rule)> _rules;

    public PromptPolicy(IOptions<ModerationOptions> options)
    {
        var terms = options.Value.BlockedTerms
            .Where(term => !string.IsNullOrWhiteSpace(term))
            .Select(term => (new Regex(WholeWord(term.Trim()), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout), $"term \"{term.Trim()}\""));
        var patterns = options.Value.BlockedPatterns
            .Select(pattern => (new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout), $"pattern {pattern}"));
        _rules = [.. terms, .. patterns];
    }

    /// <summary>Returns the rule the text breaks, or null when it breaks none.</summary>
    public string? FindBrokenRule(string text)
    {
        foreach (var (regex, rule) in _rules)
        {
            try
            {
                if (regex.IsMatch(text))
                {
                    return rule;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A pattern that takes this long on one prompt is treated as matching, so a slow rule never lets a prompt through.
                return rule;
            }
        }

        return null;
    }

    /// <summary>Matches the term only as a whole word, so "ass" does not block "class".</summary>
    private static string WholeWord(string term)
    {
        var escaped = Regex.Escape(term);
        var start = char.IsLetterOrDigit(term[0]) ? @"\b" : string.Empty;
        var end = char.IsLetterOrDigit(term[^1]) ? @"\b" : string.Empty;
        return start + escaped + end;
    }
}
