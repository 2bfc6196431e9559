using Bot.Chat;

namespace Bot.Cli;

/// <summary>
/// The chat port of the <c>generate</c> command: the status message becomes a progress line in the terminal,
/// and the video is written to the output file named in the target.
/// </summary>
internal sealed class ConsoleChatPort(TextWriter output, bool interactive) : IChatPort
{
    private readonly Lock _gate = new();
    private int _lineLength;

    public ChatPlatform Platform => ChatPlatform.Cli;

    public TimeSpan StatusEditInterval => TimeSpan.FromMilliseconds(250);

    public long GetUploadLimit(ChatTarget target) => long.MaxValue;

    public Task<string> SendReplyAsync(ChatTarget target, ChatText text, CancellationToken cancellationToken) =>
        SendMessageAsync(target, text, cancellationToken);

    public Task<string> SendMessageAsync(ChatTarget target, ChatText text, CancellationToken cancellationToken)
    {
        Show(text);
        return Task.FromResult("status");
    }

    public Task EditMessageAsync(ChatTarget target, string messageId, ChatText text, CancellationToken cancellationToken)
    {
        Show(text);
        return Task.CompletedTask;
    }

    public async Task<string> SendVideoAsync(ChatTarget target, VideoFile video, ChatText caption, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(target.ChatId);

        // The video is written next to its destination and then moved, so a failed copy never leaves half a file.
        var partial = $"{path}.partial";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var source = video.OpenRead())
            await using (var destination = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await source.CopyToAsync(destination, cancellationToken);
            }

            File.Move(partial, path, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            File.Delete(partial);
            throw new ChatSendException(ChatSendFailure.Failed, $"Writing {path} failed: {exception.Message}", exception);
        }

        return path;
    }

    /// <summary>Ends the progress line, so what follows starts on a line of its own.</summary>
    public void EndLine()
    {
        lock (_gate)
        {
            if (interactive && _lineLength > 0)
            {
                output.WriteLine();
                _lineLength = 0;
            }
        }
    }

    /// <summary>Shows a status: on a terminal it replaces the previous line, otherwise it prints a new one.</summary>
    private void Show(ChatText text)
    {
        var line = string.Concat(text.Spans.Select(span => span.Text)).TrimEnd('\n').Replace('\n', ' ');
        lock (_gate)
        {
            if (interactive)
            {
                output.Write('\r' + line.PadRight(_lineLength));
                _lineLength = line.Length;
            }
            else
            {
                output.WriteLine(line);
            }

            output.Flush();
        }
    }
}
