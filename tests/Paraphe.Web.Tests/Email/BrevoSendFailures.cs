using Paraphe.Testing.Simulators;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Email;

/// <summary>Brevo answering late, slowly or not at all, and refusing our key: the message waits and leaves later.</summary>
public sealed class BrevoSendFailures(BrevoSqliteApp app) : IClassFixture<BrevoSqliteApp>
{
    [Fact]
    public async Task ABrevoThatNeverAnswersIsGivenUpOnAfterTheTimeoutAndTriedAgain()
    {
        var to = "lent." + Api.UniqueEmail("Paul", "Martin");
        var procedureId = await app.LaunchForAsync(to);

        var (deferred, _) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "deferred");
        Assert.Contains(deferred.EventDetails(), d => d.Contains("pas de réponse", StringComparison.Ordinal));

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "sent");
        await app.Brevo.WaitForAsync(to);
    }

    [Fact]
    public async Task TooManyRequestsIsRetried()
    {
        var to = "quota." + Api.UniqueEmail("Inès", "Moreau");
        var procedureId = await app.LaunchForAsync(to);

        var (deferred, _) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "deferred");
        Assert.Contains(deferred.EventDetails(), d => d.Contains("429", StringComparison.Ordinal));

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "sent");
    }

    /// <summary>A revoked or mistyped key is our outage, not the client's problem: retried, then sent once the key is fixed.</summary>
    [Fact]
    public async Task ARefusedKeyKeepsTheMessageUntilTheKeyWorksAgain()
    {
        app.Brevo.AcceptedApiKey = "xkeysib-another-key";
        try
        {
            var to = Api.UniqueEmail("Marc", "Petit");
            var procedureId = await app.LaunchForAsync(to);

            var (deferred, _) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "deferred");
            Assert.Contains("401", deferred.Str("error"), StringComparison.Ordinal);
            Assert.DoesNotContain(BrevoEmailSimulator.ValidApiKey, deferred.Str("error"), StringComparison.Ordinal);

            app.Brevo.AcceptedApiKey = BrevoEmailSimulator.ValidApiKey;
            app.Clock.Advance(TimeSpan.FromMinutes(2));
            await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "sent");
        }
        finally
        {
            app.Brevo.AcceptedApiKey = BrevoEmailSimulator.ValidApiKey;
        }
    }
}
