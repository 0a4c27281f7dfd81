using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications.Callbacks;
using Paraphe.Web.Tests.Infrastructure;
using Paraphe.Web.Tests.Instances;
using Paraphe.Web.Tests.Sms;

namespace Paraphe.Web.Tests.Callbacks;

/// <summary>
/// The direct write of good news (<see cref="DeliveryWrite"/>; on PostgreSQL one self-committing statement, issue 12
/// fifth round) is all or nothing: written onto a chain end that moved since the read, or over a message that changed,
/// it writes none of its three rows and the retry records the report once; its rows are those the save writes; and two
/// instances racing one callback record it once.
/// </summary>
public abstract class DeliveryWriteAtomicity(SmsApp app)
{
    private static MessageRef Ref(Notification n) => new(n.Provider!, n.Id, null, n.Channel);

    private DeliveryReport Delivered() => new(DeliveryStatus.Delivered, app.Clock.GetUtcNow().UtcDateTime, "remis");

    private static Task<ReportOutcome> RecordAsync(ParapheDbContext db, Notification n, DeliveryReport report) =>
        DeliveryReports.RecordAsync(db, Ref(n), report, CancellationToken.None);

    /// <summary>Reads <paramref name="n"/> untracked as the direct write does, applies the report, and returns what the write needs.</summary>
    private static async Task<(Notification Read, object?[] Before, int Seq, string Hash)> ReadAndReportAsync(ParapheDbContext db,
        Notification n, DeliveryReport report)
    {
        var found = (await DeliveryReports.FindAsync(db, Ref(n), tracked: false, CancellationToken.None))!;
        var read = found.Notification;
        read.LoadedWithLastEvent(found.LastStatus!.Value, found.LastAt ?? default, found.LastDetail);
        var before = DeliveryWrite.Before(db, read);
        Assert.True(read.Report(report, db.UtcNow));
        return (read, before, found.ChainSeq ?? 0, found.ChainHash ?? AuditEvent.GenesisHash);
    }

    private async Task AssertRecordedOnceOnAValidChainAsync(string procedureId, params Notification[] messages)
    {
        foreach (var m in messages)
        {
            var stored = await app.DbAsync(db => db.Notifications.IgnoreQueryFilters().AsNoTracking().Include(n => n.Events)
                .SingleAsync(n => n.Id == m.Id));
            Assert.Equal(DeliveryStatus.Delivered, stored.Status);
            Assert.Single(stored.Events, e => e.Status == DeliveryStatus.Delivered);
        }
        Assert.Equal(messages.Length, (await app.AuditTypesAsync(procedureId)).Count(t => t == "notification.delivered"));
        var seqs = await app.DbAsync(db => db.AuditEvents.IgnoreQueryFilters().Where(a => a.ProcedureId == procedureId)
            .OrderBy(a => a.Seq).Select(a => a.Seq).ToListAsync());
        Assert.Equal(Enumerable.Range(1, seqs.Count), seqs);
        Assert.True((await app.Api().AuditAsync(procedureId)).GetProperty("valid").GetBoolean());
    }

    private async Task AssertNothingWrittenAsync(Notification sms, string procedureId, int auditEvents)
    {
        var stored = await app.DbAsync(db => db.Notifications.IgnoreQueryFilters().AsNoTracking().Include(n => n.Events)
            .SingleAsync(n => n.Id == sms.Id));
        Assert.Equal(DeliveryStatus.Sent, stored.Status);
        Assert.DoesNotContain(stored.Events, e => e.Status == DeliveryStatus.Delivered);
        Assert.Equal(auditEvents, (await app.AuditTypesAsync(procedureId)).Length);
    }

    [Fact]
    public async Task AWriteOntoAChainEndThatMovedWritesNothingAndTheRetryRecordsItOnce()
    {
        var procedureId = await app.LaunchForAsync(Api.UniqueMobile());
        var sent = await app.AllSentAsync(procedureId, 2);
        var (sms, email) = (sent.Single(n => n.Channel == Channel.Sms), sent.Single(n => n.Channel == Channel.Email));
        await app.DbAsync(async db =>
        {
            var (read, before, seq, hash) = await ReadAndReportAsync(db, sms, Delivered());
            // Meanwhile another report of the procedure extends its chain past the end read with the message.
            Assert.Equal(ReportOutcome.Recorded, await app.DbAsync(other => RecordAsync(other, email, Delivered())));
            var audited = (await app.AuditTypesAsync(procedureId)).Length;
            await db.Database.OpenConnectionAsync();
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => DeliveryWrite.WriteAsync(db, read, before, seq, hash, CancellationToken.None));
            // SQLite's write carries its own BEGIN … COMMIT: the refused one leaves no transaction open on the connection.
            Assert.False(SqliteOwnTransaction.IsOpen(db), "the refused write left its transaction open on the connection");
            await db.Database.CloseConnectionAsync();
            Assert.True(DbErrors.IsConflict(refused), $"the chain's unique index must refuse the row as a conflict, not {refused}");
            // Not half written: the message's update and its event went with the refused audit row.
            await AssertNothingWrittenAsync(sms, procedureId, audited);
        });
        Assert.Equal(ReportOutcome.Recorded, await app.DbAsync(db => RecordAsync(db, sms, Delivered())));
        await AssertRecordedOnceOnAValidChainAsync(procedureId, sms, email);
    }

    [Fact]
    public async Task AWriteOverAMessageThatChangedSinceItsReadWritesNothing()
    {
        var procedureId = await app.LaunchForAsync(Api.UniqueMobile());
        var sms = (await app.AllSentAsync(procedureId, 2)).Single(n => n.Channel == Channel.Sms);
        await app.DbAsync(async db =>
        {
            var (read, before, _, _) = await ReadAndReportAsync(db, sms, Delivered());
            Assert.Equal(ReportOutcome.Recorded, await app.DbAsync(other => RecordAsync(other, sms, Delivered())));
            var audited = (await app.AuditTypesAsync(procedureId)).Length;
            // The chain end as it is now: only the message's version is stale.
            var end = (await DeliveryReports.FindAsync(db, Ref(sms), tracked: false, CancellationToken.None))!;
            await db.Database.OpenConnectionAsync();
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() =>
                DeliveryWrite.WriteAsync(db, read, before, end.ChainSeq!.Value, end.ChainHash!, CancellationToken.None));
            Assert.False(SqliteOwnTransaction.IsOpen(db), "the stale write left its transaction open on the connection");
            await db.Database.CloseConnectionAsync();
            Assert.Equal(audited, (await app.AuditTypesAsync(procedureId)).Length);
        });
        await AssertRecordedOnceOnAValidChainAsync(procedureId, sms);
    }

    [Fact]
    public async Task TheDirectWriteWritesTheRowsTheSaveWrites()
    {
        // Two messages in the same state, one delivered directly, the other through the save (inside a caller's
        // transaction, which the direct write leaves to the save): the same columns change to the same values.
        var direct = (await app.AllSentAsync(await app.LaunchForAsync(Api.UniqueMobile()), 2)).Single(n => n.Channel == Channel.Sms);
        var saved = (await app.AllSentAsync(await app.LaunchForAsync(Api.UniqueMobile()), 2)).Single(n => n.Channel == Channel.Sms);
        var report = Delivered();
        Assert.Equal(ReportOutcome.Recorded, await app.DbAsync(db => RecordAsync(db, direct, report)));
        Assert.Equal(ReportOutcome.Recorded, await app.DbAsync(async db =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            var outcome = await RecordAsync(db, saved, report);
            await tx.CommitAsync();
            return outcome;
        }));

        await app.DbAsync(async db =>
        {
            var after = await db.Notifications.IgnoreQueryFilters().AsNoTracking().Include(n => n.Events)
                .Where(n => n.Id == direct.Id || n.Id == saved.Id).ToDictionaryAsync(n => n.Id);
            foreach (var p in db.Model.FindEntityType(typeof(Notification))!.GetProperties().Where(p => !p.IsPrimaryKey()))
            {
                object? Value(Notification n) => p.GetGetter().GetClrValueUsingContainingEntity(n);
                var (directChanged, savedChanged) = (!Equals(Value(direct), Value(after[direct.Id])), !Equals(Value(saved), Value(after[saved.Id])));
                Assert.True(directChanged == savedChanged, $"{p.Name}: changed directly {directChanged}, by the save {savedChanged}");
                // updated_at is the write's « now »: the clock moves between the two writes.
                if (directChanged && p.Name != nameof(Notification.UpdatedAt)) Assert.Equal(Value(after[saved.Id]), Value(after[direct.Id]));
            }
            var (de, se) = (after[direct.Id].Events.OrderBy(e => e.Id).Last(), after[saved.Id].Events.OrderBy(e => e.Id).Last());
            Assert.Equal((se.Status, se.At, se.Detail), (de.Status, de.At, de.Detail));
            var audit = await db.AuditEvents.IgnoreQueryFilters().AsNoTracking()
                .Where(a => (a.ProcedureId == direct.ProcedureId || a.ProcedureId == saved.ProcedureId) && a.Type == "notification.delivered")
                .ToDictionaryAsync(a => a.ProcedureId);
            var (da, sa) = (audit[direct.ProcedureId!], audit[saved.ProcedureId!]);
            Assert.Equal((sa.Actor, sa.AgencyId), (da.Actor, da.AgencyId)); // (At: the clock moves between the two)
            static string Fact(AuditEvent a, Notification n) => a.Data.Replace(n.Id, "ID").Replace(n.To, "TO").Replace(n.SignerId!, "SIGNER");
            Assert.Equal(Fact(sa, saved), Fact(da, direct));
            Assert.Equal(da.ComputeHash(), da.Hash);
        });
    }

    [Fact]
    public async Task TwoInstancesRacingTheSameCallbacksRecordEachOnce()
    {
        // Two instances on one database (two machines behind a load balancer), each given every delivery three times at once.
        var procedureId = (await app.Api().LaunchedAsync("remote", signers: 3)).Procedure.Str("id");
        var sent = await app.AllSentAsync(procedureId, 6);
        await using var second = new AnotherInstance(app);
        var report = Delivered();
        async Task OnAsync(IServiceProvider services, Notification n)
        {
            await using var scope = services.CreateAsyncScope();
            await RecordAsync(scope.ServiceProvider.GetRequiredService<ParapheDbContext>(), n, report);
        }
        var work = sent.SelectMany(n => Enumerable.Range(0, 3).SelectMany(_ => new[] { (app.Services, n), (second.Services, n) }));
        await Task.WhenAll(work.Select(w => Task.Run(() => OnAsync(w.Item1, w.n))));
        await AssertRecordedOnceOnAValidChainAsync(procedureId, sent.ToArray());
    }
}

public sealed class DeliveryWriteAtomicityOnSqlite(TwilioSqliteApp app) : DeliveryWriteAtomicity(app), IClassFixture<TwilioSqliteApp>;

public sealed class DeliveryWriteAtomicityOnPostgres(TwilioPostgresApp app) : DeliveryWriteAtomicity(app), IClassFixture<TwilioPostgresApp>;
