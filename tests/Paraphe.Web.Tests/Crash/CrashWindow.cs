using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Crash;

/// <summary>
/// The dispatcher records a batch's outcomes in one commit. The crash window that buys: a batch whose messages the
/// provider accepted but whose record never committed (the process died, the database went away) stays `sending`,
/// and its messages are sent again when their lease ends — those messages, once more each, and nothing else. Here
/// the record of one email batch is made to fail (as a kill between the sends and the commit would leave it).
/// </summary>
public sealed class RecordSabotage : SaveChangesInterceptor
{
    private int armed;

    /// <summary>The messages of the record that was made to fail.</summary>
    public HashSet<string> Lost { get; } = [];

    public void Arm() => Volatile.Write(ref armed, 1);

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        var recorded = eventData.Context!.ChangeTracker.Entries<Notification>()
            .Where(e => e.State == EntityState.Modified && e.Entity.Channel == Channel.Email && e.Entity.Status == DeliveryStatus.Sent)
            .Select(e => e.Entity.Id).ToList();
        if (recorded.Count > 0 && Interlocked.CompareExchange(ref armed, 0, 1) == 1)
        {
            lock (Lost) Lost.UnionWith(recorded);
            throw new InvalidOperationException("simulated crash before the record's commit");
        }
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    /// <summary>The same failure for the dispatcher's set-based record of an accepted batch, which writes
    /// without SaveChangesAsync: its update fails, as a kill before its commit would leave it.</summary>
    public IInterceptor SetBasedRecord => setBased ??= new SetBasedRecordSabotage(this);

    private SetBasedRecordSabotage? setBased;

    private sealed class SetBasedRecordSabotage(RecordSabotage sabotage) : DbCommandInterceptor
    {
        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command,
            CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (Volatile.Read(ref sabotage.armed) == 1
                && command.CommandText.StartsWith(Paraphe.Web.Outbox.OutboxDispatcher.SentRecordMarker, StringComparison.Ordinal))
            {
                // The update's parameters: PostgreSQL, arrays (the ids first); SQLite, five per message (the id first).
                var parameters = command.Parameters.Cast<System.Data.Common.DbParameter>().ToList();
                var ids = parameters[0].Value is string[] array ? array.ToList()
                    : parameters.Where((_, i) => i % 5 == 0).Select(p => (string)p.Value!).ToList();
                await using var channel = command.Connection!.CreateCommand();
                channel.Transaction = command.Transaction;
                channel.CommandText = "SELECT \"Channel\" FROM notifications WHERE \"Id\" = @id";
                var id = channel.CreateParameter();
                (id.ParameterName, id.Value) = ("id", ids[0]);
                channel.Parameters.Add(id);
                if ((string?)await channel.ExecuteScalarAsync(cancellationToken) == nameof(Channel.Email)
                    && Interlocked.CompareExchange(ref sabotage.armed, 0, 1) == 1)
                {
                    lock (sabotage.Lost) sabotage.Lost.UnionWith(ids);
                    throw new InvalidOperationException("simulated crash before the record's commit");
                }
            }
            return result;
        }
    }
}

public abstract class CrashWindowApp(bool postgres) : ProviderOutageApp(postgres)
{
    public RecordSabotage Sabotage { get; } = new();

    protected override void Configure(IWebHostBuilder builder)
    {
        base.Configure(builder);
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<IInterceptor>(Sabotage);
            s.AddSingleton(Sabotage.SetBasedRecord);
        });
    }
}

public sealed class SqliteCrashWindowApp() : CrashWindowApp(postgres: false);

public sealed class PostgresCrashWindowApp() : CrashWindowApp(postgres: true);

public abstract class CrashWindow(CrashWindowApp app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private const int Signers = 3;

    [Fact]
    public async Task ABatchSentButNeverRecordedIsSentAgainOnceAndNothingElseIs()
    {
        app.Sabotage.Arm();
        var api = app.Api();
        var first = (await api.LaunchAsync((await api.DraftAsync("remote", Signers)).Procedure.Str("id"))).Str("id");

        // The email batch reached the SMTP server, its record failed: the messages stay `sending` (claimed, leased).
        await WaitUntilAsync(() => app.Sabotage.Lost.Count == Signers && app.Sabotage.Lost.All(id => app.Store.Received.ContainsKey(id)),
            () => $"the email batch was not sent with its record failing (lost record: {app.Sabotage.Lost.Count}, received: {app.Store.Received.Count})");
        await WaitForAsync(api, first, "sms", n => n.Str("status") is "sent" or "delivered", "sent (the other lane)");
        var lost = app.Sabotage.Lost.ToList();
        var statuses = await app.DbAsync(db => db.Notifications.IgnoreQueryFilters().Where(n => lost.Contains(n.Id))
            .Select(n => n.Status).ToListAsync());
        Assert.All(statuses, s => Assert.Equal(DeliveryStatus.Sending, s));

        // The lease (2 min) ends: the batch is claimed again and sent again, and this time recorded.
        app.Clock.Advance(TimeSpan.FromMinutes(3));
        var emails = await WaitForAsync(api, first, "email", n => n.Str("status") is "sent" or "delivered", "sent after the lease");
        Assert.All(emails, e => Assert.Equal(2, app.Store.Received.GetValueOrDefault(e.Str("id"))));
        Assert.Equal(lost.Order(), emails.Select(e => e.Str("id")).Order());

        // Outside the window nothing leaves twice: the SMS of this procedure, and every message of the next one.
        var second = (await api.LaunchAsync((await api.DraftAsync("remote", Signers)).Procedure.Str("id"))).Str("id");
        var nextEmails = await WaitForAsync(api, second, "email", n => n.Str("status") is "sent" or "delivered", "sent");
        Assert.All(nextEmails, e => Assert.Equal(1, app.Store.Received.GetValueOrDefault(e.Str("id"))));
        foreach (var id in new[] { first, second })
        {
            var sms = await WaitForAsync(api, id, "sms", n => n.Str("status") is "sent" or "delivered", "sent");
            Assert.All(sms, m => Assert.Single(app.Twilio.Accepted, a => a.StatusCallback.EndsWith($"n={m.Str("id")}", StringComparison.Ordinal)));
            // One `notification.sent` audit event per message, the twice-sent ones included (the failed record left none).
            var audit = await api.AuditAsync(id);
            Assert.True(audit.GetProperty("valid").GetBoolean(), $"the audit chain of {id} is valid");
            Assert.Equal(2 * Signers, audit.Arr("events").Count(e => e.Str("type") == "notification.sent"));
        }
    }

    private static async Task WaitUntilAsync(Func<bool> done, Func<string> missing)
    {
        var watch = Stopwatch.StartNew();
        while (!done())
        {
            if (watch.Elapsed > Wait) throw new Xunit.Sdk.XunitException($"{missing()} within {Wait.TotalSeconds} s");
            await Task.Delay(50);
        }
    }

    private static async Task<JsonElement[]> WaitForAsync(Api api, string procedureId, string channel, Func<JsonElement, bool> done, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var procedure = await api.ProcedureAsync(procedureId);
            var messages = procedure.Signers().SelectMany(s => s.Arr("notifications"))
                .Where(n => n.Str("channel") == channel && n.Str("purpose") == "invitation").ToArray();
            if (messages.Length == Signers && messages.All(done)) return messages;
            if (watch.Elapsed > Wait)
                throw new Xunit.Sdk.XunitException($"The {channel} invitations of {procedureId} were not all {what} within {Wait.TotalSeconds} s: " +
                                                   string.Join(", ", messages.Select(m => m.Str("status"))));
            await Task.Delay(100);
        }
    }
}

public sealed class CrashWindowOnSqlite(SqliteCrashWindowApp app) : CrashWindow(app), IClassFixture<SqliteCrashWindowApp>;

public sealed class CrashWindowOnPostgres(PostgresCrashWindowApp app) : CrashWindow(app), IClassFixture<PostgresCrashWindowApp>;
