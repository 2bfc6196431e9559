using System.Net;
using Bot.Jobs;
using Bot.RunPod;
using Bot.Tests.Support;
using NSubstitute;

namespace Bot.Tests.Jobs;

public sealed class VideoFetcherTests
{
    private static readonly byte[] Mp4 = CreateMp4(4096);

    [Fact]
    public async Task Base64_IsDecodedToFile()
    {
        using var fetcher = new VideoFetcher(Substitute.For<IHttpClientFactory>());

        var result = await fetcher.FetchAsync(1, new WorkerVideo { VideoBase64 = Convert.ToBase64String(Mp4), Width = 640 }, 1_000_000, CancellationToken.None);

        var fetched = Assert.IsType<FetchResult.Fetched>(result);
        Assert.Equal(Mp4, await File.ReadAllBytesAsync(fetched.File.Path));
        Assert.Equal(640, fetched.File.Width);
        File.Delete(fetched.File.Path);
    }

    [Fact]
    public async Task Base64_ContractFixture_IsAnMp4()
    {
        var status = Contract.Deserialize<JobStatusResponse>("status-completed-base64.json");
        var video = WorkerVideo.TryParse(status.Output, out _)!;
        using var fetcher = new VideoFetcher(Substitute.For<IHttpClientFactory>());

        var result = await fetcher.FetchAsync(1, video, 50_000_000, CancellationToken.None);

        var fetched = Assert.IsType<FetchResult.Fetched>(result);
        Assert.Equal(video.Bytes, fetched.File.Bytes);
        File.Delete(fetched.File.Path);
    }

    [Fact]
    public async Task Base64_OverLimit_IsTooLargeWithoutDecoding()
    {
        using var fetcher = new VideoFetcher(Substitute.For<IHttpClientFactory>());

        var result = await fetcher.FetchAsync(1, new WorkerVideo { VideoBase64 = Convert.ToBase64String(Mp4) }, 1000, CancellationToken.None);

        Assert.Equal(Mp4.Length, Assert.IsType<FetchResult.TooLarge>(result).Bytes);
    }

    [Fact]
    public async Task Base64_Invalid_Fails()
    {
        using var fetcher = new VideoFetcher(Substitute.For<IHttpClientFactory>());

        var result = await fetcher.FetchAsync(1, new WorkerVideo { VideoBase64 = "not*base64!" }, 1_000_000, CancellationToken.None);

        Assert.False(Assert.IsType<FetchResult.Failed>(result).Transient);
    }

    [Fact]
    public async Task NotAnMp4_Fails()
    {
        using var fetcher = new VideoFetcher(Substitute.For<IHttpClientFactory>());

        var result = await fetcher.FetchAsync(1, new WorkerVideo { VideoBase64 = Convert.ToBase64String(new byte[64]) }, 1_000_000, CancellationToken.None);

        Assert.Contains("not an MP4", Assert.IsType<FetchResult.Failed>(result).Reason);
    }

    [Fact]
    public async Task Url_IsStreamedToFile()
    {
        using var fetcher = new VideoFetcher(Factory(new ByteArrayContent(Mp4)));

        var result = await fetcher.FetchAsync(1, new WorkerVideo { VideoUrl = new Uri("https://bucket.example/v.mp4") }, 1_000_000, CancellationToken.None);

        var fetched = Assert.IsType<FetchResult.Fetched>(result);
        Assert.Equal(Mp4.Length, fetched.File.Bytes);
        File.Delete(fetched.File.Path);
    }

    [Fact]
    public async Task Url_DeclaredOverLimit_StopsBeforeDownloading()
    {
        using var fetcher = new VideoFetcher(Factory(new ByteArrayContent(Mp4)));

        var result = await fetcher.FetchAsync(1, new WorkerVideo { VideoUrl = new Uri("https://bucket.example/v.mp4") }, 1000, CancellationToken.None);

        Assert.Equal(Mp4.Length, Assert.IsType<FetchResult.TooLarge>(result).Bytes);
    }

    [Fact]
    public async Task Url_UndeclaredOverLimit_StopsAtTheLimit()
    {
        var content = new StreamContent(new MemoryStream(Mp4));
        content.Headers.ContentLength = null;
        using var fetcher = new VideoFetcher(Factory(content));

        var result = await fetcher.FetchAsync(1, new WorkerVideo { VideoUrl = new Uri("https://bucket.example/v.mp4") }, 1000, CancellationToken.None);

        Assert.IsType<FetchResult.TooLarge>(result);
        Assert.Empty(Directory.GetFiles(fetcher.Folder));
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    public async Task Url_ErrorStatus_Fails(HttpStatusCode status, bool transient)
    {
        using var fetcher = new VideoFetcher(Factory(new ByteArrayContent([]), status));

        var result = await fetcher.FetchAsync(1, new WorkerVideo { VideoUrl = new Uri("https://bucket.example/v.mp4") }, 1000, CancellationToken.None);

        Assert.Equal(transient, Assert.IsType<FetchResult.Failed>(result).Transient);
    }

    private static IHttpClientFactory Factory(HttpContent content, HttpStatusCode status = HttpStatusCode.OK)
    {
        var factory = Substitute.For<IHttpClientFactory>();
        factory.CreateClient(VideoFetcher.HttpClientName).Returns(_ => new HttpClient(new StubHandler(content, status)));
        return factory;
    }

    private static byte[] CreateMp4(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        "\0\0\0\u0018ftypisom"u8.CopyTo(bytes);
        return bytes;
    }

    private sealed class StubHandler(HttpContent content, HttpStatusCode status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = content });
    }
}
