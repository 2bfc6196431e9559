namespace Bot.Jobs;

/// <summary>
/// Estimates each waiting job's place in line under the dispatcher's rule: one job per user per round, users in
/// the order of their oldest waiting job. It ignores who had the last turn, so it can be one or two places off.
/// </summary>
public static class QueuePositions
{
    /// <summary>Returns the 1-based place in line of each waiting job, by job id.</summary>
    public static Dictionary<long, int> Compute(IReadOnlyList<Job> waiting)
    {
        var users = waiting
            .GroupBy(job => job.UserKey, StringComparer.Ordinal)
            .Select(group => group.OrderBy(job => job.Id).ToList())
            .OrderBy(jobs => jobs[0].Id)
            .ToList();

        var positions = new Dictionary<long, int>();
        for (var userIndex = 0; userIndex < users.Count; userIndex++)
        {
            for (var round = 0; round < users[userIndex].Count; round++)
            {
                // Everyone's jobs from earlier rounds go first, then this round's jobs of the users before this one.
                var earlierRounds = users.Sum(jobs => Math.Min(jobs.Count, round));
                var earlierInRound = users.Take(userIndex).Count(jobs => jobs.Count > round);
                positions[users[userIndex][round].Id] = earlierRounds + earlierInRound + 1;
            }
        }

        return positions;
    }
}
