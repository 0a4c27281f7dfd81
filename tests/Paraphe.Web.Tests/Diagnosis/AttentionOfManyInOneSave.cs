using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data.Configurations;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Diagnosis;

/// <summary>
/// One save that changes the messages of several procedures (the dispatcher records a whole batch's outcomes in one
/// commit) refreshes « À corriger » for every one of them, read together: each flag ends as its own diagnosis says,
/// set where it must be and cleared where it was wrong.
/// </summary>
public abstract class AttentionOfManyInOneSave(ParapheApp app)
{
    private readonly Api api = app.Api();

    private async Task<string> LaunchedAndSentAsync()
    {
        var (procedure, _) = await api.LaunchedAsync("remote", signers: 1);
        var id = procedure.Str("id");
        // Both invitations recorded (their own saves refresh the flag; this test must not race them).
        foreach (var channel in new[] { "email", "sms" })
            await api.WaitForInvitationAsync(id, channel, n => n.Str("status") != "queued" && n.Str("status") != "sending");
        return id;
    }

    /// <summary>The stored flag (the column the list filters on; one procedure's GET computes it afresh).</summary>
    private async Task<bool> NeedsAttentionAsync(string id) =>
        (await Expect.JsonAsync(await api.GetAsync("/api/v1/procedures?needs_attention=true&page_size=100"), System.Net.HttpStatusCode.OK))
        .Arr("items").Any(p => p.Str("id") == id);

    [Fact]
    public async Task EveryProcedureTouchedBySaveGetsItsOwnFlag()
    {
        var unreachable = await LaunchedAndSentAsync();
        var fine = await LaunchedAndSentAsync();
        var other = await LaunchedAndSentAsync();
        // A wrong flag on a procedure that needs nothing (as a crash between commit and refresh would leave it).
        await app.DbAsync(db => db.Procedures.IgnoreQueryFilters().Where(p => p.Id == fine)
            .ExecuteUpdateAsync(u => u.SetProperty(p => EF.Property<bool>(p, ProcedureAttention.Column), true)));
        Assert.True(await NeedsAttentionAsync(fine));

        await app.DbAsync(async db =>
        {
            var ids = new[] { unreachable, fine, other };
            var messages = await db.Notifications.IgnoreQueryFilters().Where(n => ids.Contains(n.ProcedureId!)).ToListAsync();
            var now = app.Clock.GetUtcNow().UtcDateTime;
            foreach (var n in messages.Where(n => n.ProcedureId == unreachable))
                n.Report(n.Channel == Channel.Email
                    ? new DeliveryReport(DeliveryStatus.Failed, now, "550 5.1.1 user unknown", DeliveryFailure.MailboxUnknown)
                    : new DeliveryReport(DeliveryStatus.Failed, now, "30005 unknown number", DeliveryFailure.SmsUnknownNumber), now);
            foreach (var n in messages.Where(n => n.ProcedureId != unreachable))
                n.Report(new DeliveryReport(DeliveryStatus.Delivered, now, "delivered"), now);
            await db.SaveChangesAsync();
        });

        Assert.True(await NeedsAttentionAsync(unreachable), "no channel reaches its signer: it needs the agent");
        Assert.False(await NeedsAttentionAsync(fine), "its messages were delivered: the wrong flag is cleared");
        Assert.False(await NeedsAttentionAsync(other));
        foreach (var id in new[] { unreachable, fine, other })
            Assert.True((await api.AuditAsync(id)).GetProperty("valid").GetBoolean(), $"the audit chain of {id} is valid");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class AttentionOfManyInOneSaveOnSqlite(SqliteApp app) : AttentionOfManyInOneSave(app);

[Collection(PostgresCollection.Name)]
public sealed class AttentionOfManyInOneSaveOnPostgres(PostgresApp app) : AttentionOfManyInOneSave(app);
