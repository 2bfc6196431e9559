using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bot.RunPod;

/// <summary>The body of <c>POST /run</c>.</summary>
public sealed record RunRequest(
    [property: JsonPropertyName("input")] WorkerInput Input,
    [property: JsonPropertyName("policy")] RunPolicy Policy);

/// <summary>The worker's input, as the bot/worker contract defines it. Empty fields are left out, so the worker's defaults apply.</summary>
public sealed record WorkerInput
{
    [JsonPropertyName("prompt")]
    public required string Prompt { get; init; }

    [JsonPropertyName("negative_prompt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NegativePrompt { get; init; }

    [JsonPropertyName("task")]
    public required string Task { get; init; }

    [JsonPropertyName("size")]
    public required string Size { get; init; }

    [JsonPropertyName("frame_num")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? FrameCount { get; init; }

    [JsonPropertyName("seed")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Seed { get; init; }

    [JsonPropertyName("image_url")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ImageUrl { get; init; }

    [JsonPropertyName("image_base64")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ImageBase64 { get; init; }
}

/// <summary>The per-job limits RunPod applies, in milliseconds.</summary>
public sealed record RunPolicy(
    [property: JsonPropertyName("executionTimeout")] long ExecutionTimeoutMs,
    [property: JsonPropertyName("ttl")] long TtlMs);

/// <summary>The response to <c>POST /run</c>.</summary>
public sealed record RunResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status);

/// <summary>The response to <c>GET /status/{id}</c> and <c>POST /cancel/{id}</c>.</summary>
public sealed record JobStatusResponse
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>One of <see cref="RunPodStatus"/>'s values.</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    /// <summary>Time in RunPod's queue, cold start included, in milliseconds.</summary>
    [JsonPropertyName("delayTime")]
    public long? DelayTime { get; init; }

    /// <summary>Time in the worker's handler, in milliseconds.</summary>
    [JsonPropertyName("executionTime")]
    public long? ExecutionTime { get; init; }

    /// <summary>The progress while <c>IN_PROGRESS</c>, the result when <c>COMPLETED</c>.</summary>
    [JsonPropertyName("output")]
    public JsonElement? Output { get; init; }

    /// <summary>The worker's error when <c>FAILED</c>: a sentence, or a JSON string when the handler raised.</summary>
    [JsonPropertyName("error")]
    public JsonElement? Error { get; init; }

    [JsonPropertyName("workerId")]
    public string? WorkerId { get; init; }
}

/// <summary>The job states RunPod reports.</summary>
public static class RunPodStatus
{
    public const string InQueue = "IN_QUEUE";
    public const string InProgress = "IN_PROGRESS";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
    public const string Cancelled = "CANCELLED";
    public const string TimedOut = "TIMED_OUT";
}

/// <summary>The response to <c>GET /health</c>.</summary>
public sealed record HealthResponse
{
    [JsonPropertyName("jobs")]
    public HealthJobs? Jobs { get; init; }

    [JsonPropertyName("workers")]
    public HealthWorkers? Workers { get; init; }
}

public sealed record HealthJobs(
    [property: JsonPropertyName("completed")] int Completed,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("inProgress")] int InProgress,
    [property: JsonPropertyName("inQueue")] int InQueue,
    [property: JsonPropertyName("retried")] int Retried);

public sealed record HealthWorkers(
    [property: JsonPropertyName("idle")] int Idle,
    [property: JsonPropertyName("running")] int Running);
