using System.Text.Json;

namespace Bot.Discord;

/// <summary>A dispatch event (op 0) from the gateway: its name, such as <c>INTERACTION_CREATE</c>, and its data.</summary>
/// <param name="ReceivedAt">When the frame arrived, for deadlines such as an interaction's 3 seconds.</param>
public sealed record GatewayDispatch(string Type, JsonElement Data, DateTimeOffset ReceivedAt);
