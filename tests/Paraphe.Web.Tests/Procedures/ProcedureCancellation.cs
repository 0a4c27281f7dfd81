using System.Net;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

public abstract class ProcedureCancellation(ParapheApp app)
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task CancellingTellsTheInvitedSignersByEmailAndSms()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var email = contacts[0].Str("email");
        await api.WaitForOutboxAsync(email);

        var cancelled = await Expect.JsonAsync(
            await api.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/cancel", new { reason = "Erreur sur le prix" }), HttpStatusCode.OK);

        Assert.Equal("cancelled", cancelled.Str("status"));
        var notices = cancelled.Signers()[0].Arr("notifications").Where(n => n.Str("purpose") == "cancellation").ToList();
        Assert.Equal(["email", "sms"], notices.Select(n => n.Str("channel")).Order());
        var received = await api.WaitForOutboxAsync(email, count: 2);
        Assert.Contains(received, m => m.Str("subject")?.StartsWith("Signature annulée", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task CorrectAndRelaunchSendsTheNewInvitationInsteadOfACancellationNotice()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var signerId = procedure.Signers()[0].Str("id");

        var next = await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/relaunch",
            new { launch = true, signers = new[] { new { signer_id = signerId, email = "corrige." + contacts[0].Str("email") } } }),
            HttpStatusCode.Created);

        var old = await api.ProcedureAsync(procedure.Str("id"));
        Assert.DoesNotContain(old.Signers()[0].Arr("notifications"), n => n.Str("purpose") == "cancellation");
        Assert.Equal(2, next.Signers()[0].Arr("notifications").Count(n => n.Str("purpose") == "invitation"));
    }

    [Fact]
    public async Task CancellingADraftSendsNothing()
    {
        var (draft, _) = await api.DraftAsync("remote", signers: 1);

        var cancelled = await Expect.JsonAsync(
            await api.PostAsync($"/api/v1/procedures/{draft.Str("id")}/cancel", new { reason = "Doublon" }), HttpStatusCode.OK);

        Assert.Empty(cancelled.Signers()[0].Arr("notifications"));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ProcedureCancellationOnSqlite(SqliteApp app) : ProcedureCancellation(app);

[Collection(PostgresCollection.Name)]
public sealed class ProcedureCancellationOnPostgres(PostgresApp app) : ProcedureCancellation(app);
