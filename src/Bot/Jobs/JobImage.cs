namespace Bot.Jobs;

/// <summary>
/// The input image of an image-to-video job, kept in a table of its own so the jobs table stays small. It is
/// sent with the job as base64 and deleted once RunPod has the job.
/// </summary>
public sealed class JobImage
{
    public long JobId { get; set; }

    public required byte[] Bytes { get; set; }

    public required string MediaType { get; set; }
}
