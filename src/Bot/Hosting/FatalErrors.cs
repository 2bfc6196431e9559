using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Hosting;

/// <summary>
/// Stops the bot when it cannot work until the operator changes something, such as a rejected API key or
/// bot token. Unfinished jobs stay stored and resume after the restart.
/// </summary>
public sealed partial class FatalErrors(IHostApplicationLifetime lifetime, ILogger<FatalErrors> logger)
{
    /// <summary>The reason the bot stopped, or null while it runs normally.</summary>
    public string? Reason { get; private set; }

    public void Stop(string reason)
    {
        if (Reason is not null)
        {
            return;
        }

        Reason = reason;
        LogStopping(logger, reason);
        lifetime.StopApplication();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Critical, Message = "Stopping: {Reason}")]
    private static partial void LogStopping(ILogger logger, string reason);
}
