using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.RunPod.LocalEndpoint;

/// <summary>
/// A RunPod-compatible queue endpoint on 127.0.0.1 that walks each job through <c>IN_QUEUE</c>,
/// <c>IN_PROGRESS</c> with progress output, and <c>COMPLETED</c> with a sample clip in the worker's output
/// shape. It lets the whole pipeline run with no GPU and no RunPod account; the tests use it too.
/// </summary>
public sealed class LocalRunPodEndpoint : IAsyncDisposable
{
    /// <summary>The endpoint id the bot uses for the local endpoint; any id is served.</summary>
    public const string EndpointId = "local";

    private const int DenoisingSteps = 50;

    // The worker's limit for a prompt, in code points.
    private const int MaxPromptLength = 2000;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, LocalJob> _jobs = new(StringComparer.Ordinal);
    private readonly byte[] _sample;
    private int _runCalls;
    private int _statusCalls;
    private int _cancelCalls;

    private LocalRunPodEndpoint(WebApplication app, LocalEndpointBehavior behavior, TimeProvider time)
    {
        _app = app;
        _time = time;
        Behavior = behavior;
        _sample = SampleClip.Read();
        MapRoutes(app);
    }

    /// <summary>The queue API base, like <c>https://api.runpod.ai/v2</c>; the endpoint id follows it.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public LocalEndpointBehavior Behavior { get; }

    /// <summary>Calls to <c>/run</c> so far, including those that got an injected error.</summary>
    public int RunCalls => Volatile.Read(ref _runCalls);

    public int StatusCalls => Volatile.Read(ref _statusCalls);

    public int CancelCalls => Volatile.Read(ref _cancelCalls);

    /// <summary>The inputs of the jobs created so far, in order.</summary>
    public IReadOnlyList<JsonObject> Inputs => [.. _jobs.Values.OrderBy(job => job.Sequence).Select(job => job.Input)];

    /// <summary>Starts the endpoint on a free port of 127.0.0.1.</summary>
    public static async Task<LocalRunPodEndpoint> StartAsync(
        LocalEndpointOptions options,
        TimeProvider time,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        var app = builder.Build();
        var endpoint = new LocalRunPodEndpoint(app, new LocalEndpointBehavior(options), time);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        endpoint.BaseUrl = new Uri($"{address.TrimEnd('/')}/v2");
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void MapRoutes(WebApplication app)
    {
        app.MapPost("/v2/{endpointId}/run", RunAsync);
        app.MapGet("/v2/{endpointId}/status/{id}", (string id) => Status(id));
        app.MapPost("/v2/{endpointId}/cancel/{id}", (string id) => Cancel(id));
        app.MapGet("/v2/{endpointId}/health", Health);
        app.MapGet("/v2/{endpointId}/files/{id}.mp4", (string id) => File(id));
    }

    private async Task<IResult> RunAsync(HttpRequest request)
    {
        var sequence = Interlocked.Increment(ref _runCalls);
        if (Behavior.TakeFault("run") is { } fault)
        {
            return Fault(fault);
        }

        JsonObject? input;
        try
        {
            var body = await JsonNode.ParseAsync(request.Body);
            input = body?["input"] as JsonObject;
        }
        catch (JsonException)
        {
            input = null;
        }

        if (input is null || input["prompt"] is null)
        {
            return Results.Json(new { error = "The request needs an input object with a prompt." }, JsonOptions, statusCode: 400);
        }

        // Invalid input fails the job the way the worker does: RunPod accepts it, and the job ends FAILED.
        var inputError = Validate(input);
        var seed = input["seed"] is JsonValue seedValue && seedValue.TryGetValue<long>(out var requested) ? requested : Random.Shared.NextInt64(0, int.MaxValue);
        var job = new LocalJob(
            $"{Guid.NewGuid()}-u1",
            sequence,
            (JsonObject)input.DeepClone(),
            seed,
            _time.GetUtcNow(),
            Behavior.QueueTime,
            inputError is null ? Behavior.RunTime : TimeSpan.Zero,
            inputError ?? Behavior.FailureMessage,
            Behavior.TimeOutJobs,
            Behavior.OutputMode,
            Behavior.VideoOverride ?? _sample);
        _jobs[job.Id] = job;

        if (Behavior.RunResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(Behavior.RunResponseDelay, _time);
        }

        return Results.Json(new { id = job.Id, status = RunPodStatus.InQueue }, JsonOptions);
    }

    /// <summary>Checks the input as the worker does, with the same limits; returns the worker's kind of error sentence, or null.</summary>
    private static string? Validate(JsonObject input)
    {
        if (input["prompt"] is not JsonValue promptValue || !promptValue.TryGetValue<string>(out var prompt) || string.IsNullOrWhiteSpace(prompt))
        {
            return "prompt is missing. Describe the video you want.";
        }

        var length = prompt.EnumerateRunes().Count();
        if (length > MaxPromptLength)
        {
            return $"prompt is {length} characters long, more than the maximum of {MaxPromptLength}. Shorten it.";
        }

        var task = input["task"]?.GetValue<string>() ?? Generation.VideoPresets.DefaultTask;
        if (Generation.VideoPresets.Find(task) is not { } preset)
        {
            return $"task {task} is not one this endpoint runs.";
        }

        if (input["size"]?.GetValue<string>() is { } size && !preset.Sizes.Contains(size))
        {
            return $"size {size} is not supported by {task}. Use one of {string.Join(", ", preset.Sizes)}.";
        }

        if (input["seed"] is JsonValue seed && (!seed.TryGetValue<long>(out var number) || number < 0))
        {
            return $"seed {seed} is out of range. Use a whole number from 0 to {long.MaxValue}.";
        }

        if (input["frame_num"] is JsonValue frames && (!frames.TryGetValue<int>(out var count) || count < 5 || (count - 1) % 4 != 0))
        {
            return $"frame_num {frames} must be 4n+1, for example 81 or 121.";
        }

        return null;
    }

    private IResult Status(string id)
    {
        Interlocked.Increment(ref _statusCalls);
        if (Behavior.TakeFault("status") is { } fault)
        {
            return Fault(fault);
        }

        if (Behavior.ExpireJobs || !_jobs.TryGetValue(id, out var job))
        {
            return Results.Json(new { error = "job not found" }, JsonOptions, statusCode: 404);
        }

        return Results.Json(Describe(job), JsonOptions);
    }

    private IResult Cancel(string id)
    {
        Interlocked.Increment(ref _cancelCalls);
        if (Behavior.TakeFault("cancel") is { } fault)
        {
            return Fault(fault);
        }

        if (Behavior.ExpireJobs || !_jobs.TryGetValue(id, out var job))
        {
            return Results.Json(new { error = "job not found" }, JsonOptions, statusCode: 404);
        }

        job.CancelledAt ??= _time.GetUtcNow();
        return Results.Json(new { id = job.Id, status = RunPodStatus.Cancelled }, JsonOptions);
    }

    private IResult Health()
    {
        if (Behavior.TakeFault("health") is { } fault)
        {
            return Fault(fault);
        }

        var states = _jobs.Values.Select(job => Describe(job)["status"]!.GetValue<string>()).ToList();
        return Results.Json(
            new
            {
                jobs = new
                {
                    completed = states.Count(s => s == RunPodStatus.Completed),
                    failed = states.Count(s => s == RunPodStatus.Failed),
                    inProgress = states.Count(s => s == RunPodStatus.InProgress),
                    inQueue = states.Count(s => s == RunPodStatus.InQueue),
                    retried = 0,
                },
                workers = new { idle = 1, running = states.Count(s => s == RunPodStatus.InProgress) },
            },
            JsonOptions);
    }

    private IResult File(string id) =>
        _jobs.TryGetValue(id, out var job)
            ? Results.Bytes(job.Video, "video/mp4")
            : Results.NotFound();

    private static FaultResult Fault(InjectedFault fault)
    {
        var headers = fault.RetryAfter is { } retryAfter
            ? new Dictionary<string, string> { ["Retry-After"] = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : [];
        return new FaultResult((int)fault.StatusCode, headers);
    }

    private JsonObject Describe(LocalJob job)
    {
        var now = _time.GetUtcNow();
        var elapsed = now - job.CreatedAt;
        var status = new JsonObject { ["id"] = job.Id };

        if (job.CancelledAt is { } cancelledAt)
        {
            status["status"] = RunPodStatus.Cancelled;
            status["delayTime"] = (long)Math.Min(elapsed.TotalMilliseconds, job.QueueTime.TotalMilliseconds);
            return status;
        }

        if (elapsed < job.QueueTime)
        {
            status["status"] = RunPodStatus.InQueue;
            status["delayTime"] = (long)elapsed.TotalMilliseconds;
            return status;
        }

        status["delayTime"] = (long)job.QueueTime.TotalMilliseconds;
        status["workerId"] = "local-worker";
        var running = elapsed - job.QueueTime;
        if (running < job.RunTime)
        {
            status["status"] = RunPodStatus.InProgress;
            status["executionTime"] = (long)running.TotalMilliseconds;
            status["output"] = Progress(running / job.RunTime);
            return status;
        }

        status["executionTime"] = (long)job.RunTime.TotalMilliseconds;
        if (job.TimesOut)
        {
            status["status"] = RunPodStatus.TimedOut;
        }
        else if (job.FailureMessage is { } failure)
        {
            status["status"] = RunPodStatus.Failed;
            status["error"] = failure;
        }
        else
        {
            status["status"] = RunPodStatus.Completed;
            if (job.OutputMode != LocalOutputMode.Missing)
            {
                status["output"] = Output(job);
            }
        }

        return status;
    }

    /// <summary>
    /// Builds progress in the contract's shape, in Wan2.2's order of work. As with the worker, the percentage
    /// counts denoising steps: 0 while loading and reading the prompt, 100 while decoding and saving.
    /// </summary>
    private static JsonObject Progress(double fraction)
    {
        var step = (int)Math.Clamp(Math.Floor((fraction - 0.10) / 0.75 * DenoisingSteps), 0, DenoisingSteps);
        return fraction switch
        {
            < 0.05 => new JsonObject { ["stage"] = "loading", ["percent"] = 0 },
            < 0.10 => new JsonObject { ["stage"] = "encoding", ["percent"] = 0 },
            < 0.85 => new JsonObject { ["stage"] = "denoising", ["percent"] = step * 100 / DenoisingSteps, ["step"] = step, ["steps"] = DenoisingSteps },
            < 0.95 => new JsonObject { ["stage"] = "decoding", ["percent"] = 100 },
            _ => new JsonObject { ["stage"] = "uploading", ["percent"] = 100 },
        };
    }

    private JsonObject Output(LocalJob job)
    {
        var output = new JsonObject
        {
            ["mime"] = "video/mp4",
            ["bytes"] = job.Video.Length,
            ["width"] = SampleClip.Width,
            ["height"] = SampleClip.Height,
            ["fps"] = SampleClip.FramesPerSecond,
            ["frames"] = SampleClip.Frames,
            ["seed"] = job.Seed,
            ["duration_s"] = Math.Round((double)SampleClip.Frames / SampleClip.FramesPerSecond, 3),
        };

        if (job.OutputMode == LocalOutputMode.Url)
        {
            output["video_url"] = $"{RunPodEndpointAddress.For(BaseUrl, EndpointId)}/files/{job.Id}.mp4";
        }
        else
        {
            output["video_base64"] = Convert.ToBase64String(job.Video);
        }

        return output;
    }

    private sealed record LocalJob(
        string Id,
        int Sequence,
        JsonObject Input,
        long Seed,
        DateTimeOffset CreatedAt,
        TimeSpan QueueTime,
        TimeSpan RunTime,
        string? FailureMessage,
        bool TimesOut,
        LocalOutputMode OutputMode,
        byte[] Video)
    {
        public DateTimeOffset? CancelledAt { get; set; }
    }

    private sealed class FaultResult(int statusCode, Dictionary<string, string> headers) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = statusCode;
            foreach (var (name, value) in headers)
            {
                httpContext.Response.Headers[name] = value;
            }

            return httpContext.Response.WriteAsJsonAsync(new { error = $"injected {statusCode}" }, JsonOptions);
        }
    }
}
