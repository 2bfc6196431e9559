using System.Text.Json;

namespace Bot.RunPod;

/// <summary>The progress a worker reports while a job is <c>IN_PROGRESS</c>.</summary>
/// <param name="Stage">One of <c>loading</c>, <c>encoding</c>, <c>denoising</c>, <c>decoding</c>, <c>uploading</c>.</param>
/// <param name="Percent">0 to 100.</param>
/// <param name="Step">The denoising step, while denoising.</param>
/// <param name="Steps">The number of denoising steps.</param>
public sealed record WorkerProgress(string Stage, int Percent, int? Step, int? Steps)
{
    private static readonly HashSet<string> Stages = ["loading", "encoding", "denoising", "decoding", "uploading"];

    /// <summary>Reads progress from a status output; returns null when the output is absent or not progress.</summary>
    public static WorkerProgress? TryParse(JsonElement? output)
    {
        if (output is not { ValueKind: JsonValueKind.Object } value
            || !value.TryGetProperty("stage", out var stage) || stage.ValueKind != JsonValueKind.String
            || !Stages.Contains(stage.GetString()!))
        {
            return null;
        }

        var percent = ReadInt(value, "percent") ?? 0;
        return new WorkerProgress(stage.GetString()!, Math.Clamp(percent, 0, 100), ReadInt(value, "step"), ReadInt(value, "steps"));
    }

    internal static int? ReadInt(JsonElement value, string name) =>
        value.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.Number
            ? (int)Math.Round(property.GetDouble())
            : null;
}

/// <summary>The result of a <c>COMPLETED</c> job: where the MP4 is and the facts about it.</summary>
public sealed record WorkerVideo
{
    public Uri? VideoUrl { get; init; }

    public string? VideoBase64 { get; init; }

    public long? Bytes { get; init; }

    public int? Width { get; init; }

    public int? Height { get; init; }

    public int? FramesPerSecond { get; init; }

    public int? Frames { get; init; }

    public long? Seed { get; init; }

    public double? DurationSeconds { get; init; }

    /// <summary>
    /// Reads a completed job's output. Returns null, with <paramref name="problem"/> set to a sentence for the
    /// log, when the output is missing, has neither <c>video_url</c> nor <c>video_base64</c>, or the URL is not
    /// HTTPS (plain HTTP is accepted on loopback only, for the local endpoint).
    /// </summary>
    public static WorkerVideo? TryParse(JsonElement? output, out string problem)
    {
        if (output is not { ValueKind: JsonValueKind.Object } value)
        {
            // RunPod reports COMPLETED with no output when the worker's result was over its 10 MB limit.
            problem = output is null || output.Value.ValueKind == JsonValueKind.Null
                ? "the output is missing"
                : $"the output is a JSON {output.Value.ValueKind}, not an object";
            return null;
        }

        var url = ReadString(value, "video_url");
        var base64 = ReadString(value, "video_base64");
        Uri? videoUrl = null;
        if (url is not null)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out videoUrl)
                || !(videoUrl.Scheme == Uri.UriSchemeHttps || (videoUrl.Scheme == Uri.UriSchemeHttp && videoUrl.IsLoopback)))
            {
                problem = "video_url is not an https URL";
                return null;
            }
        }

        if (videoUrl is null && string.IsNullOrEmpty(base64))
        {
            problem = "the output has neither video_url nor video_base64";
            return null;
        }

        problem = string.Empty;
        return new WorkerVideo
        {
            VideoUrl = videoUrl,
            VideoBase64 = base64,
            Bytes = ReadLong(value, "bytes"),
            Width = WorkerProgress.ReadInt(value, "width"),
            Height = WorkerProgress.ReadInt(value, "height"),
            FramesPerSecond = WorkerProgress.ReadInt(value, "fps"),
            Frames = WorkerProgress.ReadInt(value, "frames"),
            Seed = ReadLong(value, "seed"),
            DurationSeconds = value.TryGetProperty("duration_s", out var duration) && duration.ValueKind == JsonValueKind.Number
                ? duration.GetDouble()
                : null,
        };
    }

    private static string? ReadString(JsonElement value, string name) =>
        value.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString() : null;

    private static long? ReadLong(JsonElement value, string name) =>
        value.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.Number && property.TryGetInt64(out var number)
            ? number
            : null;
}

/// <summary>Turns a worker's error into a sentence for the chat.</summary>
public static class WorkerErrors
{
    private const int MaxLength = 300;

    /// <summary>
    /// Returns the worker's message for a returned <c>{"error": "..."}</c>, which the contract makes readable
    /// for users. A raised exception arrives as a JSON string with a traceback; only its type is shown, because
    /// the traceback is for the operator's log.
    /// </summary>
    public static string Describe(JsonElement? error)
    {
        if (error is not { } value || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return "The GPU worker failed without saying why.";
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : value.GetRawText();
        if (text.TrimStart().StartsWith('{') && TryReadRaisedError(text) is { } raised)
        {
            return raised;
        }

        text = text.Trim();
        return text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength - 1), "…");
    }

    private static string? TryReadRaisedError(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error_type", out var type))
            {
                return $"The GPU worker crashed ({type.GetString()}). The operator can find the details in the RunPod logs.";
            }
        }
        catch (JsonException)
        {
            // Not the SDK's JSON error after all; the text is shown as it is.
        }

        return null;
    }
}
