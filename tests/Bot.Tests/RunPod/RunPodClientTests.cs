using System.Net;
using Bot.RunPod;
using Bot.RunPod.LocalEndpoint;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.RunPod;

/// <summary>The real Refit client and resilience pipeline against the local endpoint with injected faults.</summary>
public sealed class RunPodClientTests : IAsyncLifetime
{
    private LocalRunPodEndpoint _endpoint = null!;
    private ServiceProvider _services = null!;

    private IRunPodClient Client => _services.GetRequiredService<IRunPodClient>();

    public async Task InitializeAsync()
    {
        _endpoint = await LocalRunPodEndpoint.StartAsync(new LocalEndpointOptions { QueueTime = TimeSpan.Zero, RunTime = TimeSpan.Zero }, TimeProvider.System);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RunPod:EndpointId"] = "test-endpoint",
            ["RunPod:ApiKey"] = "test-key",
            ["RunPod:BaseUrl"] = _endpoint.BaseUrl.ToString(),
            ["RunPod:RetryDelay"] = "00:00:00.010",
            ["RunPod:RequestTimeout"] = "00:00:01",
        }).Build();
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddRunPod(configuration)
            .BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _endpoint.DisposeAsync();
    }

    [Fact]
    public async Task Submit_SendsInputAndPolicy()
    {
        var id = await Client.SubmitAsync(Request(), CancellationToken.None);

        Assert.EndsWith("-u1", id);
        var input = Assert.Single(_endpoint.Inputs);
        Assert.Equal("a red fox", input["prompt"]!.GetValue<string>());
        Assert.Equal("1280*704", input["size"]!.GetValue<string>());
        Assert.Null(input["seed"]);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task Submit_NotCreated_IsRetried(HttpStatusCode status)
    {
        _endpoint.Behavior.Inject(new InjectedFault("run", status));
        _endpoint.Behavior.Inject(new InjectedFault("run", status));

        var id = await Client.SubmitAsync(Request(), CancellationToken.None);

        Assert.NotEmpty(id);
        Assert.Equal(3, _endpoint.RunCalls);
        Assert.Single(_endpoint.Inputs);
    }

    [Fact]
    public async Task Submit_RetryAfterHeader_IsHonored()
    {
        _endpoint.Behavior.Inject(new InjectedFault("run", HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(1)));
        var started = TimeProvider.System.GetTimestamp();

        await Client.SubmitAsync(Request(), CancellationToken.None);

        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromSeconds(0.9));
        Assert.Equal(2, _endpoint.RunCalls);
    }

    [Fact]
    public async Task Submit_ServerError_IsNotRetried()
    {
        _endpoint.Behavior.Inject(new InjectedFault("run", HttpStatusCode.InternalServerError));

        var exception = await Assert.ThrowsAsync<RunPodException>(() => Client.SubmitAsync(Request(), CancellationToken.None));

        Assert.Equal(RunPodFailure.Unknown, exception.Failure);
        Assert.Equal(1, _endpoint.RunCalls);
    }

    [Fact]
    public async Task Submit_TimeoutAfterSending_IsNotRetried()
    {
        // RunPod created the job but the response came too late, so sending again would start a second job.
        _endpoint.Behavior.RunResponseDelay = TimeSpan.FromSeconds(3);

        var exception = await Assert.ThrowsAsync<RunPodException>(() => Client.SubmitAsync(Request(), CancellationToken.None));

        Assert.Equal(RunPodFailure.Unknown, exception.Failure);
        Assert.Equal(1, _endpoint.RunCalls);
        Assert.Single(_endpoint.Inputs);
    }

    [Fact]
    public async Task Submit_Unauthorized_NamesTheKeySetting()
    {
        _endpoint.Behavior.Inject(new InjectedFault("run", HttpStatusCode.Unauthorized));

        var exception = await Assert.ThrowsAsync<RunPodException>(() => Client.SubmitAsync(Request(), CancellationToken.None));

        Assert.Equal(RunPodFailure.Unauthorized, exception.Failure);
        Assert.Contains("RunPod:ApiKey", exception.Message);
        Assert.DoesNotContain("test-key", exception.Message);
    }

    [Fact]
    public async Task Submit_BadRequest_IsRejected()
    {
        _endpoint.Behavior.Inject(new InjectedFault("run", HttpStatusCode.BadRequest));

        var exception = await Assert.ThrowsAsync<RunPodException>(() => Client.SubmitAsync(Request(), CancellationToken.None));

        Assert.Equal(RunPodFailure.Rejected, exception.Failure);
    }

    [Fact]
    public async Task Submit_ConnectionRefused_IsNotSent()
    {
        var port = _endpoint.BaseUrl.Port;
        await _endpoint.DisposeAsync();

        var exception = await Assert.ThrowsAsync<RunPodException>(() => Client.SubmitAsync(Request(), CancellationToken.None));

        Assert.Equal(RunPodFailure.NotSent, exception.Failure);
        _endpoint = await LocalRunPodEndpoint.StartAsync(new LocalEndpointOptions(), TimeProvider.System);
        Assert.NotEqual(0, port);
    }

    [Fact]
    public async Task Status_ServerErrors_AreRetried()
    {
        var id = await Client.SubmitAsync(Request(), CancellationToken.None);
        _endpoint.Behavior.Inject(new InjectedFault("status", HttpStatusCode.BadGateway));
        _endpoint.Behavior.Inject(new InjectedFault("status", HttpStatusCode.InternalServerError));

        var status = await Client.GetStatusAsync(id, CancellationToken.None);

        Assert.Equal(RunPodStatus.Completed, status!.Status);
        Assert.Equal(3, _endpoint.StatusCalls);
    }

    [Fact]
    public async Task Status_NotFound_ReturnsNull()
    {
        var status = await Client.GetStatusAsync("unknown-job", CancellationToken.None);

        Assert.Null(status);
    }

    [Fact]
    public async Task Status_Completed_CarriesOutputAndTimes()
    {
        var id = await Client.SubmitAsync(Request(), CancellationToken.None);

        var status = await Client.GetStatusAsync(id, CancellationToken.None);
        var video = WorkerVideo.TryParse(status!.Output, out _);

        Assert.NotNull(video);
        Assert.NotNull(video.VideoBase64);
        Assert.Equal(0, status.ExecutionTime);
    }

    [Fact]
    public async Task Cancel_RunningJob_ReportsCancelled()
    {
        _endpoint.Behavior.RunTime = TimeSpan.FromMinutes(5);
        var id = await Client.SubmitAsync(Request(), CancellationToken.None);

        var cancelled = await Client.CancelAsync(id, CancellationToken.None);
        var status = await Client.GetStatusAsync(id, CancellationToken.None);

        Assert.Equal(RunPodStatus.Cancelled, cancelled!.Status);
        Assert.Equal(RunPodStatus.Cancelled, status!.Status);
    }

    [Theory]
    [InlineData("seed", -5L, "seed -5 is out of range")]
    [InlineData("frame_num", 120L, "frame_num 120 must be 4n+1")]
    public async Task LocalEndpoint_InvalidInput_FailsLikeTheWorker(string field, long value, string error)
    {
        var request = Request() with { Input = field == "seed" ? Request().Input with { Seed = value } : Request().Input with { FrameCount = (int)value } };
        var id = await Client.SubmitAsync(request, CancellationToken.None);

        var status = await Client.GetStatusAsync(id, CancellationToken.None);

        Assert.Equal(RunPodStatus.Failed, status!.Status);
        Assert.StartsWith(error, WorkerErrors.Describe(status.Error));
    }

    [Fact]
    public async Task Health_ReturnsWorkerCounts()
    {
        var health = await Client.GetHealthAsync(CancellationToken.None);

        Assert.Equal(1, health.Workers!.Idle);
    }

    private static RunRequest Request() =>
        new(new WorkerInput { Prompt = "a red fox", Task = "ti2v-5B", Size = "1280*704" }, new RunPolicy(1_800_000, 7_200_000));
}
