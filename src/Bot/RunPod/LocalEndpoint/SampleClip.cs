namespace Bot.RunPod.LocalEndpoint;

/// <summary>
/// The clip the local endpoint returns: 97 frames (4n+1, like Wan2.2's frame counts) of ffmpeg's test
/// pattern at 640×352 and 24 fps, about 120 KB. It was made once with
/// <c>ffmpeg -f lavfi -i testsrc2=size=640x352:rate=24 -frames:v 97 -c:v libx264 -preset veryslow -crf 30 -pix_fmt yuv420p -movflags +faststart sample.mp4</c>.
/// </summary>
internal static class SampleClip
{
    public const int Width = 640;
    public const int Height = 352;
    public const int FramesPerSecond = 24;
    public const int Frames = 97;

    public static byte[] Read()
    {
        using var stream = typeof(SampleClip).Assembly.GetManifestResourceStream("Bot.RunPod.LocalEndpoint.sample.mp4")
            ?? throw new InvalidOperationException("The sample clip is missing from the assembly's resources.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
