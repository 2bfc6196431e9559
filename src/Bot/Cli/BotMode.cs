namespace Bot.Cli;

/// <summary>What the process is started for; it decides which chat ports are registered.</summary>
public enum BotMode
{
    /// <summary>Serve the configured chat platforms until stopped.</summary>
    Serve,

    /// <summary>Make one video through the pipeline and write it to a file.</summary>
    Generate,

    /// <summary>Check the configuration and the services it names.</summary>
    Check,
}
