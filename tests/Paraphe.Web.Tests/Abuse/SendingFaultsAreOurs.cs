using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications;
using Paraphe.Web.Tests.Email;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 6 (the sending half): a problem on our side — a provider name nobody registered, our own From
/// address — is never blamed on the client and never stalls the other messages. The message is retried as our outage
/// (`provider_error`, the diagnosis' `provider_outage`) and leaves once the setting is fixed. Email goes over SMTP to a
/// real server on loopback; SMS to the capture provider. The bad setting is put in at run time (start-up refuses it).
/// </summary>
public sealed class SendingFaultsAreOurs(SmtpApp app) : IClassFixture<SmtpApp>
{
    private async Task WithEmailSettingsAsync(Func<ChannelOptions, ChannelOptions> change, Func<Task> test)
    {
        var cache = app.Services.GetRequiredService<IOptionsMonitorCache<ChannelOptions>>();
        var original = app.Services.GetRequiredService<IOptionsMonitor<ChannelOptions>>().Get("Email");
        cache.TryRemove("Email");
        cache.TryAdd("Email", change(original));
        try
        {
            await test();
        }
        finally
        {
            cache.TryRemove("Email");
            cache.TryAdd("Email", original);
        }
    }

    private Task<DeliveryFailure> FailureKindAsync(string notificationId) => app.DbAsync(db => db.Notifications.IgnoreQueryFilters()
        .Where(n => n.Id == notificationId).Select(n => n.FailureKind).SingleAsync());

    [Theory]
    [InlineData("signature paraphe.example")]
    [InlineData("signature@")]
    [InlineData("\"Paraphe\" <signature@paraphe.example")]
    public async Task AnUnusableFromAddressIsOurOutageRetriedNeverAHardBounce(string from)
    {
        var to = Api.UniqueEmail("Jeanne", "Durand");
        string procedureId = "";
        await WithEmailSettingsAsync(o => new ChannelOptions { Provider = o.Provider, Fallback = o.Fallback, From = from }, async () =>
        {
            procedureId = await app.LaunchForAsync(to);
            var (deferred, signer) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "deferred");

            Assert.Contains("Paraphe:Email:From", deferred.Str("error"), StringComparison.Ordinal);
            Assert.Equal(DeliveryFailure.ProviderError, await FailureKindAsync(deferred.Str("id")));
            Assert.DoesNotContain("email_hard_bounce", signer.Codes());
            Assert.DoesNotContain("email_invalid", signer.Codes());
            Assert.DoesNotContain(app.Smtp.Messages, m => m.EnvelopeTo.Contains(to, StringComparer.OrdinalIgnoreCase));
        });

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "sent");
        await app.Smtp.WaitForAsync(to);
    }

    [Theory]
    [InlineData("smtpp")]
    [InlineData("")]
    public async Task AnUnknownProviderHoldsItsOwnMessagesOnlyAndTheyLeaveOnceFixed(string provider)
    {
        var to = Api.UniqueEmail("Marc", "Petit");
        string procedureId = "";
        await WithEmailSettingsAsync(o => new ChannelOptions { Provider = provider, Fallback = o.Fallback, From = o.From }, async () =>
        {
            procedureId = await app.LaunchForAsync(to);

            // The SMS of the same launch (same batch) leaves; the email waits as our outage, never left `sending`.
            await app.Api().WaitForInvitationAsync(procedureId, "sms", n => n.Str("status") == "sent");
            var (deferred, signer) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "deferred");
            Assert.Equal(DeliveryFailure.ProviderError, await FailureKindAsync(deferred.Str("id")));
            Assert.DoesNotContain("email_hard_bounce", signer.Codes());
        });

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "sent");
        await app.Smtp.WaitForAsync(to);
    }

    /// <summary>The recipient's own address stays the client's problem: refused for good, with its diagnosis.</summary>
    [Fact]
    public async Task TheRecipientsUnknownMailboxIsStillAHardBounce()
    {
        var procedureId = await app.LaunchForAsync("inconnu." + Api.UniqueEmail("Luc", "Roux"));

        var (failed, signer) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "failed");

        Assert.Contains("5.1.1", failed.Str("error"), StringComparison.Ordinal);
        Assert.Contains("email_hard_bounce", signer.Codes());
    }
}
