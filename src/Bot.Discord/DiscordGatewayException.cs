namespace Bot.Discord;

/// <summary>
/// The gateway closed with a code after which reconnecting cannot help (4004 and 4010 to 4014), or the token
/// was rejected. The message names the cause and what to change.
/// </summary>
public sealed class DiscordGatewayException : Exception
{
    public DiscordGatewayException(int? closeCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        CloseCode = closeCode;
    }

    public DiscordGatewayException()
        : this(null, "The Discord gateway stopped.")
    {
    }

    public DiscordGatewayException(string message)
        : this(null, message)
    {
    }

    public DiscordGatewayException(string message, Exception innerException)
        : this(null, message, innerException)
    {
    }

    public int? CloseCode { get; }
}
