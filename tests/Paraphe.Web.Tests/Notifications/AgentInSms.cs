using Microsoft.Extensions.Options;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Contacts;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Notifications;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Tests.Notifications;

/// <summary>
/// The invitation SMS names the agent while it stays one GSM-7 segment: the title is shortened first, then the agent's
/// name goes and the phone stays, then the contact goes (the email carries it). The personal message is never in it.
/// </summary>
public class AgentInSms
{
    private static readonly DateTime Now = new(2026, 3, 10, 9, 30, 0, DateTimeKind.Utc);

    private static readonly SigningLinks Links = new(Options.Create(new ParapheOptions
    {
        PublicBaseUrl = "https://signature.paraphe.fr", SigningKey = Convert.ToBase64String(new byte[32]),
    }));

    private static string Sms(string agencyName, string title, User agent)
    {
        var agency = Agency.Create(agencyName, Now);
        var p = Procedure.Create(agency.Id, "doc_1", title, new Procedure.Options(ProcedureMode.Remote, Message: "Signez vite, merci !"), "user:u", Now);
        var snapshot = new SignerSnapshot("Camille", "Lefèvre", "camille@example.fr", "+33612345678", true, true, Language.Fr);
        p.AddSigner("ctc_1", null, "vendeur", null, snapshot, "user:u");
        p.Launch("sha", _ => snapshot, s => "h-" + s.Id, "user:u", Now);
        var s = p.Signers.Single();
        var n = Notification.Queue(agency.Id, p.Id, s.Id, Channel.Sms, Purpose.Invitation, s.Mobile, Now);
        var text = MessageComposer.Compose(n, agency, p, s, Links.UrlFor(s.Id), agent: agent).Text;
        Assert.Equal(1, SmsSegments.Count(text).Segments);
        Assert.DoesNotContain("Signez vite", text, StringComparison.Ordinal);
        return text;
    }

    private static User Agent(string first, string last) =>
        User.Create("agc_1", "a@b.fr", first, last, UserRole.Negotiator, "", Now, mobile: "+33611223344");

    [Fact]
    public void AShortInvitationCarriesTheAgentsNameAndPhone() =>
        Assert.EndsWith(" Contact : Paul Agent 0611223344", Sms("Agence Lepic", "Bail rue Lepic", Agent("Paul", "Agent")), StringComparison.Ordinal);

    [Fact]
    public void ALongOneKeepsThePhoneAndDropsTheName()
    {
        var text = Sms("Immobilière des Quais de Saône", "Compromis de vente - 12 rue Garibaldi 3e", Agent("Marie-Christine", "de La Tour d'Auvergne"));
        Assert.EndsWith(" Contact : 0611223344", text, StringComparison.Ordinal);
    }
}
