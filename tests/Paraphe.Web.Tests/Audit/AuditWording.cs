using System.Text.Json;
using Paraphe.Domain.Audit;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Pages;

namespace Paraphe.Web.Tests.Audit;

/// <summary>
/// Every kind of the audit catalogue has its label on the status page and its wording on the evidence page (the
/// switches have no discard, so a kind without them does not compile; here: they are real words, one per kind), and a
/// stored type this version does not know is still shown, by an explicit fallback.
/// </summary>
public class AuditWording
{
    [Fact]
    public void EveryKindHasItsOwnFrenchLabelOnTheStatusPage()
    {
        var labels = AuditCatalogue.Kinds.Select(Labels.AuditType).ToList();

        Assert.All(labels, l => Assert.False(string.IsNullOrWhiteSpace(l)));
        Assert.Equal(labels.Count, labels.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(labels, l => Assert.DoesNotMatch("[a-z]+\\.[a-z_]+", l)); // words, not the stored type
        Assert.All(AuditCatalogue.Kinds, k => Assert.Equal(Labels.AuditType(k), Labels.AuditType(AuditCatalogue.TypeOf(k))));
    }

    [Fact]
    public void EveryKindHasItsOwnFrenchWordingOnTheEvidencePage()
    {
        var wordings = AuditCatalogue.Kinds.Select(k => EvidencePage.Wording(k)).ToList();

        Assert.All(wordings, w => Assert.False(string.IsNullOrWhiteSpace(w)));
        Assert.Equal(wordings.Count, wordings.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(wordings, w => Assert.DoesNotMatch("[a-z]+\\.[a-z_]+", w));
        Assert.All(AuditCatalogue.Kinds, k => Assert.Equal(EvidencePage.Wording(k), EvidencePage.Wording(AuditCatalogue.TypeOf(k))));
    }

    [Fact]
    public void AStoredTypeThisVersionDoesNotKnowIsShownByItsTypeOnBothPages()
    {
        Assert.Equal("Événement « agency.renamed »", Labels.AuditType("agency.renamed"));
        Assert.Equal(Labels.UnknownAuditType("agency.renamed"), Labels.AuditType("agency.renamed"));
        Assert.Equal("Événement enregistré « agency.renamed »", EvidencePage.Wording("agency.renamed"));
        using var data = JsonDocument.Parse("""{"channel":"sms","to":"+33612345678"}""");
        Assert.Null(Labels.AuditDetail("agency.renamed", data.RootElement));
    }

    [Fact]
    public void ADeliveryEventIsDetailedFromItsRecord()
    {
        using var data = JsonDocument.Parse(AuditCatalogue.Serialize(new NotificationFailed("ntf_1", "sgn_1", "sms", "invitation",
            "+33612345678", new DateTime(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc), "30005 Numéro inconnu", "SmsUnknownNumber")));

        Assert.Equal("SMS · invitation → 06 12 34 56 78 — 30005 Numéro inconnu", Labels.AuditDetail("notification.failed", data.RootElement));
        Assert.Null(Labels.AuditDetail("signer.signed", data.RootElement)); // data that is not the type's record: no detail
    }
}
