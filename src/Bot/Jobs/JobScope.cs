using Bot.Chat;

namespace Bot.Jobs;

/// <summary>
/// The jobs this process works on: those of the platforms it has a chat port for, and, for the
/// <c>generate</c> command, only the one job it made, so it never picks up another process's job.
/// </summary>
public sealed class JobScope(ChatPorts ports)
{
    private string? _onlyRequestKey;

    /// <summary>Limits the pipeline to the job with this request key. Set it before the host starts.</summary>
    public void LimitTo(string requestKey) => _onlyRequestKey = requestKey;

    /// <summary>Filters a query down to the jobs in scope.</summary>
    public IQueryable<Job> Filter(IQueryable<Job> jobs)
    {
        var platforms = ports.Platforms.ToList();
        var scoped = jobs.Where(job => platforms.Contains(job.Platform));
        return _onlyRequestKey is { } key ? scoped.Where(job => job.RequestKey == key) : scoped;
    }
}
