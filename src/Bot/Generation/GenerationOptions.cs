namespace Bot.Generation;

/// <summary>What a <c>/generate</c> request may contain and what the worker is asked to make.</summary>
public sealed class GenerationOptions
{
    public const string SectionName = "Generation";

    /// <summary>The longest prompt accepted, in characters. Default 1000; 1 to 2000 (the worker accepts up to 2000).</summary>
    public int MaxPromptLength { get; set; } = 1000;

    /// <summary>The Wan2.2 task the endpoint runs: <c>ti2v-5B</c> (default), <c>t2v-A14B</c> or <c>i2v-A14B</c>.</summary>
    public string Task { get; set; } = VideoPresets.DefaultTask;

    /// <summary>
    /// The frame size as <c>W*H</c>; it must be one the task supports. Default: empty, which takes the task's
    /// landscape size (<c>1280*704</c> for ti2v-5B).
    /// </summary>
    public string? Size { get; set; }

    /// <summary>A negative prompt sent with every job. Default: empty, which lets the worker use none.</summary>
    public string? NegativePrompt { get; set; }
}
