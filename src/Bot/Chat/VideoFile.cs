namespace Bot.Chat;

/// <summary>A finished video on local disk, ready to upload, with the facts the worker reported.</summary>
/// <param name="Path">The temporary file that contains the MP4.</param>
/// <param name="Bytes">The file's size.</param>
public sealed record VideoFile(string Path, long Bytes, int? Width, int? Height, double? DurationSeconds)
{
    public Stream OpenRead() => new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
}
