using System.Text.Json;
using Bot.RunPod;
using Bot.Tests.Support;

namespace Bot.Tests.RunPod;

/// <summary>The contract fixtures in serverless/contract, read through the bot's DTOs.</summary>
public sealed class WorkerOutputTests
{
    [Fact]
    public void Request_MatchesTheBotsRunRequest()
    {
        var request = Contract.Deserialize<RunRequest>("request.json");

        Assert.False(string.IsNullOrWhiteSpace(request.Input.Prompt));
        Assert.Equal("ti2v-5B", request.Input.Task);
        Assert.Equal("1280*704", request.Input.Size);
        Assert.Equal(1_800_000, request.Policy.ExecutionTimeoutMs);
        Assert.Equal(86_400_000, request.Policy.TtlMs);
    }

    [Fact]
    public void BotRequest_SerializesWithTheFixturesFieldNames()
    {
        using var fixture = JsonDocument.Parse(Contract.Read("request.json"));
        var request = new RunRequest(
            new WorkerInput { Prompt = "p", Task = "ti2v-5B", Size = "1280*704", Seed = 1, NegativePrompt = "n", FrameCount = 121 },
            new RunPolicy(1, 2));

        using var sent = JsonDocument.Parse(JsonSerializer.Serialize(request));

        foreach (var field in sent.RootElement.GetProperty("input").EnumerateObject())
        {
            Assert.True(fixture.RootElement.GetProperty("input").TryGetProperty(field.Name, out _), $"The fixture has no input field {field.Name}.");
        }

        Assert.True(sent.RootElement.GetProperty("policy").TryGetProperty("executionTimeout", out _));
        Assert.True(sent.RootElement.GetProperty("policy").TryGetProperty("ttl", out _));
    }

    [Fact]
    public void InQueue_HasStatusAndDelay()
    {
        var status = Contract.Deserialize<JobStatusResponse>("status-in-queue.json");

        Assert.Equal(RunPodStatus.InQueue, status.Status);
        Assert.NotNull(status.Id);
    }

    [Fact]
    public void InProgress_ParsesAsProgress()
    {
        var status = Contract.Deserialize<JobStatusResponse>("status-in-progress.json");

        var progress = WorkerProgress.TryParse(status.Output);

        Assert.Equal(RunPodStatus.InProgress, status.Status);
        Assert.Equal(new WorkerProgress("denoising", 40, 20, 50), progress);
    }

    [Fact]
    public void CompletedWithUrl_ParsesUrlAndFacts()
    {
        var status = Contract.Deserialize<JobStatusResponse>("status-completed-url.json");

        var video = WorkerVideo.TryParse(status.Output, out var problem);

        Assert.NotNull(video);
        Assert.Equal(string.Empty, problem);
        Assert.Equal(Uri.UriSchemeHttps, video.VideoUrl!.Scheme);
        Assert.Null(video.VideoBase64);
        Assert.True(video.Bytes > 0);
        Assert.Equal(1280, video.Width);
        Assert.Equal(704, video.Height);
        Assert.NotNull(video.Seed);
        Assert.NotNull(status.ExecutionTime);
    }

    [Fact]
    public void CompletedWithBase64_DecodesToTheStatedMp4()
    {
        var status = Contract.Deserialize<JobStatusResponse>("status-completed-base64.json");

        var video = WorkerVideo.TryParse(status.Output, out _);
        var bytes = Convert.FromBase64String(video!.VideoBase64!);

        Assert.Equal(video.Bytes, bytes.Length);
        Assert.Equal("ftyp"u8.ToArray(), bytes[4..8]);
        Assert.Null(video.VideoUrl);
    }

    [Fact]
    public void Failed_ErrorIsShownAsWritten()
    {
        var status = Contract.Deserialize<JobStatusResponse>("status-failed.json");
        using var fixture = JsonDocument.Parse(Contract.Read("status-failed.json"));

        var message = WorkerErrors.Describe(status.Error);

        Assert.Equal(RunPodStatus.Failed, status.Status);
        Assert.Equal(fixture.RootElement.GetProperty("error").GetString(), message);
    }

    [Fact]
    public void OutputError_HasOnlyAnErrorSentence()
    {
        using var fixture = JsonDocument.Parse(Contract.Read("output-error.json"));

        var error = fixture.RootElement.GetProperty("error").GetString();

        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Null(WorkerVideo.TryParse(fixture.RootElement, out _));
    }

    [Fact]
    public void RaisedException_ShowsTypeNotTraceback()
    {
        var raised = JsonSerializer.SerializeToElement(
            "{\"error_type\": \"<class 'torch.OutOfMemoryError'>\", \"error_message\": \"CUDA out of memory\", \"error_traceback\": \"Traceback ...\"}");

        var message = WorkerErrors.Describe(raised);

        Assert.Contains("torch.OutOfMemoryError", message);
        Assert.DoesNotContain("Traceback", message);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"a string\"")]
    [InlineData("{}")]
    [InlineData("{\"video_url\": \"http://example.com/v.mp4\"}")]
    [InlineData("{\"video_url\": \"not a url\"}")]
    public void Completed_UnusableOutput_IsRejected(string json)
    {
        var output = JsonSerializer.Deserialize<JsonElement>(json);

        var video = WorkerVideo.TryParse(output, out var problem);

        Assert.Null(video);
        Assert.NotEmpty(problem);
    }

    [Fact]
    public void Completed_MissingOutput_IsRejected()
    {
        Assert.Null(WorkerVideo.TryParse(null, out var problem));
        Assert.Equal("the output is missing", problem);
    }

    [Fact]
    public void Completed_HttpOnLoopback_IsAccepted()
    {
        var output = JsonSerializer.Deserialize<JsonElement>("{\"video_url\": \"http://127.0.0.1:5000/v.mp4\"}");

        Assert.NotNull(WorkerVideo.TryParse(output, out _));
    }
}
