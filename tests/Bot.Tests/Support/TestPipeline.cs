using Bot.Chat;
using Bot.Generation;
using Bot.Jobs;
using Bot.Moderation;
using Bot.Quotas;
using Bot.RunPod;
using Bot.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace Bot.Tests.Support;

/// <summary>The pipeline's core components on a real SQLite file, with fake time and a substitute chat port.</summary>
public sealed class TestPipeline : IDisposable
{
    public TestPipeline(int allowance = 5, params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
    {
        Database = new TestDatabase(interceptors);
        Port.Platform.Returns(ChatPlatform.Telegram);
        Port.StatusEditInterval.Returns(TimeSpan.FromSeconds(3));
        Port.GetUploadLimit(Arg.Any<ChatTarget>()).Returns(50_000_000);
        Port.SendReplyAsync(Arg.Any<ChatTarget>(), Arg.Any<ChatText>(), Arg.Any<CancellationToken>()).Returns("900");
        Port.SendMessageAsync(Arg.Any<ChatTarget>(), Arg.Any<ChatText>(), Arg.Any<CancellationToken>()).Returns("901");

        Quotas = new TestOptions<QuotaOptions>(new QuotaOptions { DefaultAllowance = allowance });
        Ledger = new QuotaLedger(Quotas, Time);
        Store = new JobStore(Database.Factory, Gate, Ledger, Signals, Time);
        Ports = new ChatPorts([Port]);
        Reporter = new StatusReporter(Ports, Store, Time, NullLogger<StatusReporter>.Instance);
        Acceptor = CreateAcceptor(Gate);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    public TestDatabase Database { get; }

    public WriteGate Gate { get; } = new();

    /// <summary>Creates an acceptor with its own write gate, as a second process on the same database file has.</summary>
    public JobAcceptor CreateAcceptor(WriteGate gate) =>
        new(
            Database.Factory,
            gate,
            Ledger,
            new PromptPolicy(Microsoft.Extensions.Options.Options.Create(Moderation)),
            new TestOptions<GenerationOptions>(new GenerationOptions()),
            new TestOptions<RunPodOptions>(RunPod),
            Signals,
            Reporter,
            Time,
            NullLogger<JobAcceptor>.Instance);

    public IChatPort Port { get; } = Substitute.For<IChatPort>();

    public ChatPorts Ports { get; }

    public TestOptions<QuotaOptions> Quotas { get; }

    public RunPodOptions RunPod { get; } = new();

    /// <summary>The moderation settings; set the blocked terms before the acceptor is created.</summary>
    public ModerationOptions Moderation { get; } = new();

    public QuotaLedger Ledger { get; }

    public JobStore Store { get; }

    public JobSignals Signals { get; } = new();

    public StatusReporter Reporter { get; }

    public JobAcceptor Acceptor { get; }

    public static ChatUser User(string id = "42") => new(ChatPlatform.Telegram, id, "user" + id);

    public static GenerateCommand Generate(ChatUser user, string prompt = "a red fox running through snow", string? requestKey = null) =>
        new(user, new ChatTarget("-100", null, "7"), prompt, requestKey ?? $"telegram:-100:{Guid.NewGuid():N}");

    public async Task<Job> AcceptAsync(ChatUser? user = null)
    {
        var outcome = await Acceptor.AcceptAsync(Generate(user ?? User()), CancellationToken.None);
        return outcome.Job ?? throw new InvalidOperationException($"Not accepted: {outcome.Result}");
    }

    public void Dispose()
    {
        Reporter.Dispose();
        Signals.Dispose();
        Gate.Dispose();
        Database.Dispose();
    }
}
