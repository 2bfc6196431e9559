namespace Bot.Generation;

/// <summary>The facts about one Wan2.2 task that the bot needs: its frame sizes and its default length.</summary>
/// <param name="Task">The task name the worker understands.</param>
/// <param name="LandscapeSize">The default size, <c>W*H</c>.</param>
/// <param name="Sizes">Every size the task accepts.</param>
/// <param name="FrameCount">The task's default number of frames.</param>
/// <param name="FramesPerSecond">The task's frame rate.</param>
/// <param name="NeedsImage">Whether the task only animates an input image.</param>
/// <param name="TakesImage">Whether the task can animate an input image.</param>
public sealed record VideoPreset(
    string Task,
    string LandscapeSize,
    IReadOnlyList<string> Sizes,
    int FrameCount,
    int FramesPerSecond,
    bool NeedsImage,
    bool TakesImage)
{
    /// <summary>The portrait size: the landscape size with width and height swapped.</summary>
    public string PortraitSize => string.Join('*', LandscapeSize.Split('*').Reverse());
}

/// <summary>The Wan2.2 tasks the worker supports, with the sizes and defaults from their configs.</summary>
public static class VideoPresets
{
    public const string DefaultTask = "ti2v-5B";

    // Sizes and defaults come from Wan2.2's task configs. ti2v-5B only takes 1280*704 and 704*1280 and makes
    // 121 frames at 24 fps. The A14B models take four sizes and make 81 frames at 16 fps.
    private static readonly string[] A14BSizes = ["1280*720", "720*1280", "832*480", "480*832"];

    public static IReadOnlyList<VideoPreset> All { get; } =
    [
        new(DefaultTask, "1280*704", ["1280*704", "704*1280"], 121, 24, NeedsImage: false, TakesImage: true),
        new("t2v-A14B", "1280*720", A14BSizes, 81, 16, NeedsImage: false, TakesImage: false),
        new("i2v-A14B", "1280*720", A14BSizes, 81, 16, NeedsImage: true, TakesImage: true),
    ];

    public static VideoPreset? Find(string task) =>
        All.FirstOrDefault(preset => string.Equals(preset.Task, task, StringComparison.Ordinal));
}
