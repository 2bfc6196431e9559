using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bot.RunPod.LocalEndpoint;

/// <summary>Starts the local endpoint with the host when no RunPod endpoint is configured, and points the client at it.</summary>
internal sealed partial class LocalEndpointService(
    IOptions<LocalEndpointOptions> options,
    RunPodEndpointAddress address,
    TimeProvider time,
    ILogger<LocalEndpointService> logger) : IHostedService, IAsyncDisposable
{
    private LocalRunPodEndpoint? _endpoint;

    /// <summary>The running endpoint, so its behavior can be changed after start.</summary>
    public LocalRunPodEndpoint Endpoint => _endpoint ?? throw new InvalidOperationException("The local endpoint has not started.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The local endpoint's own request logs would only repeat the bot's, so it gets no logger factory.
        _endpoint = await LocalRunPodEndpoint.StartAsync(options.Value, time, loggerFactory: null, cancellationToken);
        address.BaseAddress = RunPodEndpointAddress.For(_endpoint.BaseUrl, LocalRunPodEndpoint.EndpointId);
        address.IsLocal = true;
        LogLocalEndpoint(logger, address.BaseAddress);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_endpoint is not null)
        {
            await _endpoint.DisposeAsync();
            _endpoint = null;
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message =
        "No RunPod endpoint is configured (RunPod:EndpointId is empty), so jobs run on the built-in local endpoint at {Address}, " +
        "which returns a sample clip instead of a generated video. To generate real videos, set RunPod:EndpointId and RunPod:ApiKey " +
        "(environment variables RunPod__EndpointId and RunPod__ApiKey).")]
    private static partial void LogLocalEndpoint(ILogger logger, Uri address);
}
