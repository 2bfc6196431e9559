using System.Collections.Concurrent;
using Bot.Chat;
using Bot.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Jobs;

/// <summary>
/// Keeps each job's status message in step with the job. Updates are coalesced per job: at most one edit per
/// <see cref="IChatPort.StatusEditInterval"/>, the latest text wins, identical text is never sent again, and the
/// final state is always shown. Sending happens in the background, so a slow or rate-limited platform never
/// holds up the pipeline.
/// </summary>
public sealed partial class StatusReporter(
    ChatPorts ports,
    JobStore store,
    TimeProvider time,
    ILogger<StatusReporter> logger) : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<long, StatusMessage> _messages = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Schedules the status message of <paramref name="job"/> to show its current state.</summary>
    /// <param name="position">The job's place in line, while it waits in the bot.</param>
    public void Publish(Job job, int? position = null)
    {
        if (!ports.Platforms.Contains(job.Platform))
        {
            return;
        }

        var message = _messages.GetOrAdd(job.Id, _ => new StatusMessage(job.StatusMessageId));
        var text = StatusText.For(job, time.GetUtcNow(), position);
        lock (message)
        {
            message.Pending = new PendingStatus(job, text);
            if (message.IsPumping)
            {
                return;
            }

            message.IsPumping = true;
            message.Pump = Task.Run(() => PumpAsync(job.Id, message));
        }
    }

    /// <summary>
    /// Waits until the job's first status message has been sent (or has failed to send), so a command's reply
    /// is on screen before the next command from the same chat is handled.
    /// </summary>
    public Task WhenFirstShownAsync(long jobId) =>
        _messages.TryGetValue(jobId, out var message) ? message.FirstShown.Task : Task.CompletedTask;

    /// <summary>Waits until the job's status message shows the latest published state.</summary>
    public async Task FlushAsync(long jobId)
    {
        while (_messages.TryGetValue(jobId, out var message) && message.Pump is { IsCompleted: false } pump)
        {
            await pump;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Gives pending status edits a moment to go out before the host stops.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var pumps = _messages.Values.Select(message => message.Pump).OfType<Task>().ToArray();
        await Task.WhenAny(Task.WhenAll(pumps), Task.Delay(TimeSpan.FromSeconds(5), time, cancellationToken)).WaitAsync(cancellationToken);
        await _stopping.CancelAsync();
    }

    public void Dispose() => _stopping.Dispose();

    private async Task PumpAsync(long jobId, StatusMessage message)
    {
        try
        {
            await ShowLatestAsync(jobId, message);
        }
        finally
        {
            // Also when stopping, so no command waits for a status that will not be sent.
            message.FirstShown.TrySetResult();
        }
    }

    private async Task ShowLatestAsync(long jobId, StatusMessage message)
    {
        var cancellationToken = _stopping.Token;
        while (!cancellationToken.IsCancellationRequested)
        {
            PendingStatus pending;
            lock (message)
            {
                if (message.Pending is null)
                {
                    message.IsPumping = false;
                    if (message.IsFinal)
                    {
                        _messages.TryRemove(jobId, out _);
                    }

                    return;
                }

                pending = message.Pending;
                message.Pending = null;
            }

            var rendered = pending.Text.ToPlainString();
            if (rendered == message.LastText)
            {
                continue;
            }

            var port = ports.Get(pending.Job.Platform);
            var wait = message.LastSentAt + port.StatusEditInterval - time.GetUtcNow();
            if (message.LastSentAt is not null && wait > TimeSpan.Zero)
            {
                await time.DelayUnlessStoppingAsync(wait.Value, cancellationToken);
                lock (message)
                {
                    // A newer state arrived while waiting: show that one instead.
                    if (message.Pending is not null)
                    {
                        continue;
                    }
                }
            }

            if (await TrySendAsync(port, pending, message, cancellationToken))
            {
                message.LastText = rendered;
                message.LastSentAt = time.GetUtcNow();
            }

            message.FirstShown.TrySetResult();

            message.IsFinal |= pending.Job.IsTerminal;
        }
    }

    private async Task<bool> TrySendAsync(IChatPort port, PendingStatus pending, StatusMessage message, CancellationToken cancellationToken)
    {
        var job = pending.Job;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                if (message.MessageId is { } messageId)
                {
                    await port.EditMessageAsync(job.Target, messageId, pending.Text, cancellationToken);
                }
                else
                {
                    // The first status message is the reply to the command; a replacement for a deleted one is a new message.
                    message.MessageId = message.HasReplied
                        ? await port.SendMessageAsync(job.Target, pending.Text, cancellationToken)
                        : await port.SendReplyAsync(job.Target, pending.Text, cancellationToken);
                    message.HasReplied = true;
                    await store.SetStatusMessageAsync(job.Id, message.MessageId, cancellationToken);
                }

                return true;
            }
            catch (ChatSendException exception) when (exception.Failure == ChatSendFailure.MessageNotFound)
            {
                // Someone deleted the status message; the next attempt sends a new one.
                message.MessageId = null;
            }
            catch (ChatSendException exception) when (exception.Failure is ChatSendFailure.RateLimited or ChatSendFailure.NotSent)
            {
                // Progress can skip a beat, but the final state must arrive, so only it waits and retries.
                if (!job.IsTerminal)
                {
                    LogStatusSkipped(logger, job.Id, exception.Message);
                    return false;
                }

                await time.DelayUnlessStoppingAsync(exception.RetryAfter ?? TimeSpan.FromSeconds(attempt * 2), cancellationToken);
            }
            catch (ChatSendException exception)
            {
                LogStatusFailed(logger, exception, job.Id, job.ChatId);
                return false;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 240, Level = LogLevel.Debug, Message = "Status edit for job {JobId} skipped: {Reason}")]
    private static partial void LogStatusSkipped(ILogger logger, long jobId, string reason);

    [LoggerMessage(EventId = 241, Level = LogLevel.Warning, Message = "Status message for job {JobId} in chat {ChatId} could not be sent")]
    private static partial void LogStatusFailed(ILogger logger, Exception exception, long jobId, string chatId);

    private sealed record PendingStatus(Job Job, ChatText Text);

    private sealed class StatusMessage(string? messageId)
    {
        public string? MessageId { get; set; } = messageId;

        /// <summary>Completes after the first attempt to show the status, whatever its outcome.</summary>
        public TaskCompletionSource FirstShown { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Whether the command's reply was sent; after that, a new status message is a further message.</summary>
        public bool HasReplied { get; set; } = messageId is not null;

        public PendingStatus? Pending { get; set; }

        public Task? Pump { get; set; }

        /// <summary>Whether a pump is running; set and cleared under the lock, so no update is left without one.</summary>
        public bool IsPumping { get; set; }

        public string? LastText { get; set; }

        public DateTimeOffset? LastSentAt { get; set; }

        public bool IsFinal { get; set; }
    }
}
