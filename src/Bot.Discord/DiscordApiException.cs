using System.Net;

namespace Bot.Discord;

/// <summary>An error response from Discord's HTTP API, with its JSON error code when there was one.</summary>
public sealed class DiscordApiException : Exception
{
    public DiscordApiException(HttpStatusCode statusCode, int? code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Code = code;
    }

    public DiscordApiException()
        : this(HttpStatusCode.InternalServerError, null, "The Discord request failed.")
    {
    }

    public DiscordApiException(string message)
        : this(HttpStatusCode.InternalServerError, null, message)
    {
    }

    public DiscordApiException(string message, Exception innerException)
        : this(HttpStatusCode.InternalServerError, null, message, innerException)
    {
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary>Discord's JSON error code, such as 50027 (invalid webhook token) or 40005 (request entity too large).</summary>
    public int? Code { get; }

    /// <summary>Whether the request was refused because the interaction token expired or is unknown.</summary>
    public bool IsExpiredInteraction =>
        Code is DiscordErrorCodes.InvalidWebhookToken or DiscordErrorCodes.UnknownWebhook or DiscordErrorCodes.UnknownInteraction
        || (StatusCode == HttpStatusCode.Unauthorized && Code is null);

    public bool IsTooLarge =>
        StatusCode == HttpStatusCode.RequestEntityTooLarge || Code is DiscordErrorCodes.RequestEntityTooLarge or DiscordErrorCodes.FileTooLarge;
}

/// <summary>Discord's JSON error codes the bot acts on.</summary>
public static class DiscordErrorCodes
{
    public const int UnknownChannel = 10003;
    public const int UnknownMessage = 10008;
    public const int UnknownWebhook = 10015;
    public const int UnknownInteraction = 10062;
    public const int RequestEntityTooLarge = 40005;
    public const int InteractionAlreadyAcknowledged = 40060;
    public const int MissingAccess = 50001;
    public const int MissingPermissions = 50013;
    public const int InvalidWebhookToken = 50027;
    public const int FileTooLarge = 50045;
}
