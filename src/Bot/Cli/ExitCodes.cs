namespace Bot.Cli;

/// <summary>The process exit codes.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The job failed, or a service named in the settings does not work.</summary>
    public const int Failed = 1;

    /// <summary>The settings or the command line are invalid; the message names what to fix.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>The bot stopped because a service rejected its credentials.</summary>
    public const int Fatal = 3;
}
