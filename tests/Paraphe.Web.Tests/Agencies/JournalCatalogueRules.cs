using Paraphe.Web.Features.Agencies;

namespace Paraphe.Web.Tests.Agencies;

/// <summary>The agency's journal is a closed catalogue: each kind stored once, each with its own French label.</summary>
public class JournalCatalogueRules
{
    [Fact]
    public void EveryKindHasItsOwnStoredNameAndItsOwnFrenchLabel()
    {
        var entries = JournalCatalogue.Kinds.Select(JournalCatalogue.Entry).ToList();
        Assert.Equal(Enum.GetValues<JournalKind>().Length, entries.Count);
        Assert.Equal(entries.Count, entries.Select(e => e.Stored).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(entries.Count, entries.Select(e => e.Label).Distinct(StringComparer.Ordinal).Count());
        Assert.All(entries, e => Assert.False(string.IsNullOrWhiteSpace(e.Label)));
        Assert.All(JournalCatalogue.Kinds, k => Assert.Equal(k, JournalCatalogue.KindOf(JournalCatalogue.StoredOf(k))));
        Assert.Equal(JournalCatalogue.StoredKinds, entries.Select(e => e.Stored));
    }

    [Fact]
    public void AStoredKindThisVersionDoesNotKnowIsListedByItsName()
    {
        Assert.Null(JournalCatalogue.KindOf("future.kind_created"));
        Assert.Equal("Événement « future.kind_created »", AgencyJournal.Label("future.kind_created"));
        Assert.Equal("Clé d'API révoquée", AgencyJournal.Label("api_key.revoked"));
        // Logins and kiosk locks belong to the security log, not to the agency's journal.
        Assert.DoesNotContain("login.failed", JournalCatalogue.StoredKinds);
        Assert.DoesNotContain("kiosk.locked", JournalCatalogue.StoredKinds);
    }
}
