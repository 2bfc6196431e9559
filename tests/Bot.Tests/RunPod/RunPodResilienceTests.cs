using System.Net;
using System.Net.Sockets;
using Bot.RunPod;
using Polly;

namespace Bot.Tests.RunPod;

public sealed class RunPodResilienceTests
{
    private static readonly HttpRequestMessage Run = new(HttpMethod.Post, "https://api.runpod.ai/v2/abc/run");
    private static readonly HttpRequestMessage Status = new(HttpMethod.Get, "https://api.runpod.ai/v2/abc/status/x");

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.InternalServerError, false)]
    [InlineData(HttpStatusCode.BadGateway, false)]
    [InlineData(HttpStatusCode.GatewayTimeout, false)]
    [InlineData(HttpStatusCode.RequestTimeout, false)]
    public void Run_RetriesOnlyWhatCannotHaveCreatedAJob(HttpStatusCode status, bool expected)
    {
        var outcome = Outcome.FromResult(new HttpResponseMessage(status));

        Assert.Equal(expected, RunPodResilience.ShouldRetry(Run, outcome));
    }

    [Fact]
    public void Run_ConnectionRefused_IsRetried()
    {
        var connectionRefused = new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused));

        Assert.True(RunPodResilience.ShouldRetry(Run, Outcome.FromException<HttpResponseMessage>(connectionRefused)));
    }

    [Fact]
    public void Run_ResponseCutOff_IsNotRetried()
    {
        var cutOff = new HttpRequestException(HttpRequestError.ResponseEnded, "the response ended early");

        Assert.False(RunPodResilience.ShouldRetry(Run, Outcome.FromException<HttpResponseMessage>(cutOff)));
    }

    [Fact]
    public void Run_AttemptTimeout_IsNotRetried()
    {
        var timeout = new Polly.Timeout.TimeoutRejectedException();

        Assert.False(RunPodResilience.ShouldRetry(Run, Outcome.FromException<HttpResponseMessage>(timeout)));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    public void Status_RetriesTransientFailures(HttpStatusCode status, bool expected)
    {
        Assert.Equal(expected, RunPodResilience.ShouldRetry(Status, Outcome.FromResult(new HttpResponseMessage(status))));
    }

    [Fact]
    public void Status_Timeout_IsRetried()
    {
        var timeout = new Polly.Timeout.TimeoutRejectedException();

        Assert.True(RunPodResilience.ShouldRetry(Status, Outcome.FromException<HttpResponseMessage>(timeout)));
    }
}
