using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Domain.Notifications;
using Paraphe.Testing;
using Paraphe.Web.Features.Notifications;
using Paraphe.Web.Features.Notifications.Email;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Outbox;

namespace Paraphe.Bench.Delivery;

/// <summary>
/// Emails per second through the production <c>SmtpSender</c> to a real SMTP server on loopback (the SmtpServer
/// package, discarding what it receives): over the sender's one reused connection, and with a new connection per
/// message (connect, EHLO, MAIL, RCPT, DATA, QUIT). The messages are real invitations, composed as the dispatcher
/// composes them (MessageComposer, text + HTML, signing link, VERP envelope sender).
/// </summary>
public static class SmtpBench
{
    private const string From = "signature@paraphe.example";
    private const string BounceAddress = "bounces@paraphe.example";

    private sealed record Case(Scenario Scenario, LoopbackSmtpServer Server, SmtpSink Sink)
    {
        public List<RoundResult> Rounds { get; } = [];
        public long Sessions { get; set; }
        public long Received { get; set; }
    }

    public static async Task<(string Markdown, bool Ok)> RunAsync(BenchOptions options)
    {
        var ct = CancellationToken.None;
        var fastSink = new SmtpSink();
        var nagleSink = new SmtpSink();
        // Nagle off on accepted sockets, as the tests' server and Paraphe's own bounce listener do.
        await using var fast = LoopbackSmtpServer.Start(fastSink, new NoDelayListenerFactory());
        // The package's own listener (Nagle on), as a server that does not set TCP_NODELAY.
        await using var nagle = LoopbackSmtpServer.Start(nagleSink);

        Console.Error.WriteLine("[smtp] preparing…");
        await using var app = await BenchApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Paraphe:Email:Provider"] = "smtp",
            ["Paraphe:Email:From"] = From,
            ["Paraphe:Email:BounceAddress"] = BounceAddress,
            ["Paraphe:Email:Smtp:Host"] = "127.0.0.1",
            ["Paraphe:Email:Smtp:Port"] = fast.Port.ToString(CultureInfo.InvariantCulture),
            ["Paraphe:Email:Smtp:Security"] = "none",
        });
        var messages = await InvitationsAsync(app);
        var next = 0;
        OutgoingMessage Next() => messages[(int)((uint)Interlocked.Increment(ref next) % messages.Count)];

        // The SmtpSender Program registers (one connection, reused), and a factory for more of the same type
        // pointed at a given server: SmtpSender is internal, so it is built from the registered instance's type.
        var production = app.Services.GetRequiredService<SenderRegistry>().For(Channel.Email);
        var factory = ActivatorUtilities.CreateFactory(production.GetType(), [typeof(IOptionsMonitor<SmtpOptions>)]);
        IMessageSender SenderFor(LoopbackSmtpServer server) => (IMessageSender)factory(app.Services,
            [new FixedOptionsMonitor<SmtpOptions>(new SmtpOptions { Host = "127.0.0.1", Port = server.Port, Security = SmtpSecurity.None })]);
        var nagleSender = SenderFor(nagle);

        var cases = new List<Case>
        {
            new(new Scenario("reused connection (SmtpSender)",
                "the registered SmtpSender: one MailKit connection kept open, PIPELINING off; server Nagle off",
                _ => () => production.SendAsync(Next(), ct)), fast, fastSink),
            new(new Scenario("new connection per message",
                "a new SmtpSender per message, disposed after it: connect, EHLO, MAIL, RCPT, DATA, QUIT; server Nagle off",
                _ => async () =>
                {
                    var sender = SenderFor(fast);
                    try { await sender.SendAsync(Next(), ct); }
                    finally { await ((IAsyncDisposable)sender).DisposeAsync(); }
                }), fast, fastSink),
            new(new Scenario("reused connection, server Nagle on",
                "as the first, against a server that leaves Nagle on (SmtpServer's default listener)",
                _ => () => nagleSender.SendAsync(Next(), ct)), nagle, nagleSink),
        };
        var operations = cases.Select(c => c.Scenario.Prepare(app)).ToList();

        foreach (var op in operations)
            await LoadRunner.RunRoundAsync(op, 1, TimeSpan.FromSeconds(options.WarmupSeconds));
        for (var r = 0; r < options.Rounds; r++)
        {
            for (var i = 0; i < cases.Count; i++)
            {
                var c = cases[i];
                var (sessions, received) = (c.Server.Sessions, c.Sink.Messages);
                var round = await LoadRunner.RunRoundAsync(operations[i], 1, TimeSpan.FromSeconds(options.Seconds));
                c.Rounds.Add(round);
                c.Sessions += c.Server.Sessions - sessions;
                c.Received += c.Sink.Messages - received;
                Console.Error.WriteLine($"[smtp] round {r + 1}/{options.Rounds} {c.Scenario.Name,-36} {round.OpsPerSecond,8:F1} msg/s" +
                                        (round.Errors > 0 ? $"  ({round.Errors} errors: {round.FirstError})" : ""));
            }
        }

        await ((IAsyncDisposable)nagleSender).DisposeAsync();
        var averageBytes = (fastSink.Bytes + nagleSink.Bytes) / Math.Max(1, fastSink.Messages + nagleSink.Messages);
        return (Markdown(cases, options, averageBytes), cases.All(c => c.Rounds.Sum(x => x.Errors) == 0 && c.Received == c.Rounds.Sum(x => x.Operations)));
    }

    /// <summary>The three email invitations of one launched procedure, rendered as OutboxDispatcher renders them.</summary>
    private static async Task<List<OutgoingMessage>> InvitationsAsync(BenchApp app)
    {
        await Scenarios.OneTransaction.Prepare(app)();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var links = scope.ServiceProvider.GetRequiredService<SigningLinks>();
        var emails = await db.Notifications.IgnoreQueryFilters().AsNoTracking().Where(n => n.Channel == Channel.Email).ToListAsync();
        var procedure = await db.Procedures.IgnoreQueryFilters().AsNoTracking().SingleAsync(p => p.Id == emails[0].ProcedureId);
        var agency = await db.Agencies.AsNoTracking().SingleAsync(a => a.Id == procedure.AgencyId);
        return emails.Select(n =>
        {
            var signer = procedure.Signers.Single(s => s.Id == n.SignerId);
            var content = MessageComposer.Compose(n, agency, procedure, signer, links.UrlFor(signer.Id));
            return new OutgoingMessage(n.Id, n.AgencyId, n.Channel, n.To, agency.Name, agency.SmsSender, content.Subject,
                content.Text, content.Html);
        }).ToList();
    }

    private static string Markdown(IReadOnlyList<Case> cases, BenchOptions options, long averageBytes)
    {
        var b = new StringBuilder();
        b.AppendLine($"SMTP to a loopback SmtpServer sink, 1 sender. Median of {options.Rounds} rounds × {options.Seconds} s per " +
                     $"operation (after a {options.WarmupSeconds} s warm-up), rounds interleaved; latency = one SendAsync (for a new " +
                     $"connection: connect to QUIT) over all measured messages. Message: real invitation, text + HTML, " +
                     $"{averageBytes:N0} bytes on the wire.");
        b.AppendLine();
        b.AppendLine("| Operation | msg/s (median) | min–max msg/s | p50 ms | p95 ms | new connections/msg | received / sent |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var c in cases)
        {
            var r = new ScenarioResult(c.Scenario, 1, c.Rounds);
            var sent = c.Rounds.Sum(x => x.Operations);
            b.AppendLine($"| {c.Scenario.Name} | {r.MedianOpsPerSecond:F0} | {r.MinOpsPerSecond:F0}–{r.MaxOpsPerSecond:F0} | " +
                         $"{r.LatencyMs(50):F2} | {r.LatencyMs(95):F2} | {(double)c.Sessions / Math.Max(1, sent):F3} | {c.Received} / {sent} |" +
                         (r.Errors > 0 ? $" **{r.Errors} errors: {r.FirstError}**" : ""));
        }

        b.AppendLine();
        foreach (var c in cases) b.AppendLine($"- {c.Scenario.Name}: {c.Scenario.Description}");
        return b.ToString();
    }
}
