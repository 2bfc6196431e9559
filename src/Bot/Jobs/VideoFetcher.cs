using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Bot.Chat;
using Bot.RunPod;

namespace Bot.Jobs;

/// <summary>The outcome of fetching a finished video.</summary>
public abstract record FetchResult
{
    private FetchResult()
    {
    }

    /// <summary>The video is on disk and fits the platform's upload limit.</summary>
    public sealed record Fetched(VideoFile File) : FetchResult;

    /// <summary>The video is over the upload limit; <paramref name="Bytes"/> is its size when known.</summary>
    public sealed record TooLarge(long? Bytes) : FetchResult;

    /// <summary>The video could not be fetched. <paramref name="Transient"/> is whether trying later may help.</summary>
    public sealed record Failed(string Reason, bool Transient) : FetchResult;
}

/// <summary>
/// Fetches a finished video into a temporary file: it streams a URL download or decodes base64 piece by piece,
/// so the video is never held whole in memory, and it stops as soon as the file exceeds the upload limit.
/// </summary>
public sealed class VideoFetcher(IHttpClientFactory httpClientFactory) : IDisposable
{
    public const string HttpClientName = "video-download";

    // Base64 is decoded in blocks of this many characters, so only one block is in memory at a time.
    private const int Base64Block = 64 * 1024;

    // Each fetcher creates a new folder with a random name, so a folder left by another user or process cannot block it.
    private readonly Lazy<string> _folder = new(() => Directory.CreateTempSubdirectory("runpod-video-bot-").FullName);

    /// <summary>The folder this process keeps its temporary videos in; it is deleted when the fetcher is disposed.</summary>
    public string Folder => _folder.Value;

    public void Dispose()
    {
        if (_folder.IsValueCreated)
        {
            try
            {
                Directory.Delete(_folder.Value, recursive: true);
            }
            catch (IOException)
            {
                // A file still open; the system's temporary folder cleanup takes it later.
            }
        }
    }

    /// <summary>Fetches the video; the caller deletes <see cref="VideoFile.Path"/> when done with it.</summary>
    public async Task<FetchResult> FetchAsync(long jobId, WorkerVideo video, long uploadLimit, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Folder, $"job-{jobId}-{Guid.NewGuid():N}.mp4");
        FetchResult result;
        try
        {
            result = video.VideoBase64 is { Length: > 0 } base64
                ? await DecodeAsync(base64, path, uploadLimit, cancellationToken)
                : await DownloadAsync(video.VideoUrl!, path, uploadLimit, cancellationToken);

            if (result is FetchResult.Fetched fetched && !await IsMp4Async(fetched.File.Path, cancellationToken))
            {
                result = new FetchResult.Failed("the worker's file is not an MP4 video", Transient: false);
            }
        }
        catch (HttpRequestException exception)
        {
            result = new FetchResult.Failed($"downloading the video failed: {exception.Message}", Transient: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            result = new FetchResult.Failed($"saving the video failed: {exception.Message}", Transient: true);
        }

        if (result is not FetchResult.Fetched)
        {
            File.Delete(path);
            return result;
        }

        var file = ((FetchResult.Fetched)result).File;
        return new FetchResult.Fetched(file with { Width = video.Width, Height = video.Height, DurationSeconds = video.DurationSeconds });
    }

    private static async Task<FetchResult> DecodeAsync(string base64, string path, long uploadLimit, CancellationToken cancellationToken)
    {
        // Each 4 base64 characters make at most 3 bytes, so the size is known before decoding.
        var padding = base64.EndsWith("==", StringComparison.Ordinal) ? 2 : base64.EndsWith('=') ? 1 : 0;
        var bytes = (base64.Length / 4 * 3) - padding;
        if (bytes > uploadLimit)
        {
            return new FetchResult.TooLarge(bytes);
        }

        await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Block);
        try
        {
            await using var decoder = new CryptoStream(output, new FromBase64Transform(FromBase64TransformMode.IgnoreWhiteSpaces), CryptoStreamMode.Write, leaveOpen: true);
            for (var offset = 0; offset < base64.Length; offset += Base64Block)
            {
                var count = Encoding.ASCII.GetBytes(base64.AsSpan(offset, Math.Min(Base64Block, base64.Length - offset)), buffer);
                await decoder.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
            }

            await decoder.FlushFinalBlockAsync(cancellationToken);
        }
        catch (FormatException)
        {
            return new FetchResult.Failed("the worker's video_base64 is not valid base64", Transient: false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new FetchResult.Fetched(new VideoFile(path, output.Length, null, null, null));
    }

    private async Task<FetchResult> DownloadAsync(Uri url, string path, long uploadLimit, CancellationToken cancellationToken)
    {
        var client = httpClientFactory.CreateClient(HttpClientName);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode;
            var transient = status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;
            return new FetchResult.Failed($"downloading the video failed with HTTP {(int)status}", transient);
        }

        if (response.Content.Headers.ContentLength is { } length && length > uploadLimit)
        {
            return new FetchResult.TooLarge(length);
        }

        await using var input = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (output.Length + read > uploadLimit)
                {
                    return new FetchResult.TooLarge(null);
                }

                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new FetchResult.Fetched(new VideoFile(path, output.Length, null, null, null));
    }

    /// <summary>Checks for the <c>ftyp</c> box that starts every MP4 file.</summary>
    private static async Task<bool> IsMp4Async(string path, CancellationToken cancellationToken)
    {
        var header = new byte[8];
        await using var stream = File.OpenRead(path);
        var read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        return read == header.Length && header.AsSpan(4, 4).SequenceEqual("ftyp"u8);
    }
}
