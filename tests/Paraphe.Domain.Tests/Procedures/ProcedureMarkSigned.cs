using Paraphe.Domain.Audit;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureMarkSigned
{
    [Fact]
    public void CompletesAManualProcedureAndKeepsTheScannedCopy()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Manual, clock);
        clock.Advance(TimeSpan.FromDays(2));

        p.MarkSigned("doc_compromis_scanne", Build.Agent, clock.Now());

        Assert.Equal(ProcedureStatus.Completed, p.Status);
        Assert.Equal(clock.Now(), p.CompletedAt);
        Assert.Equal("doc_compromis_scanne", p.ScannedDocumentId);
        Assert.All(p.Signers, s =>
        {
            Assert.Equal(SignerStatus.Signed, s.Status);
            Assert.Equal(clock.Now(), s.SignedAt);
        });
    }

    [Fact]
    public void WorksWithoutAScannedCopy()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Manual, clock);

        p.MarkSigned(null, Build.Agent, clock.Now());

        Assert.Equal(ProcedureStatus.Completed, p.Status);
        Assert.Null(p.ScannedDocumentId);
    }

    [Theory]
    [InlineData(ProcedureMode.Remote)]
    [InlineData(ProcedureMode.InPerson)]
    public void IsRefusedOutsideManualMode(ProcedureMode mode)
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(mode, clock);

        var e = Build.Refused(ErrorCodes.InvalidTransition, () => p.MarkSigned(null, Build.Agent, clock.Now()));

        Assert.Contains("Marquer comme signé", e.Message);
        Assert.Equal(ProcedureStatus.Ongoing, p.Status);
        Assert.All(p.Signers, s => Assert.Equal(SignerStatus.Pending, s.Status));
    }

    [Fact]
    public void IsRefusedOnADraft()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Manual, clock);

        var e = Build.Refused(ErrorCodes.InvalidTransition, () => p.MarkSigned(null, Build.Agent, clock.Now()));

        Assert.Contains("brouillon", e.Message);
    }

    [Fact]
    public void IsRefusedTwice()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Manual, clock);
        p.MarkSigned("doc_scan_1", Build.Agent, clock.Now());

        Build.Refused(ErrorCodes.InvalidTransition, () => p.MarkSigned("doc_scan_2", Build.Agent, clock.Now()));

        Assert.Equal("doc_scan_1", p.ScannedDocumentId);
    }

    [Fact]
    public void IsRefusedOnACancelledProcedure()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Manual, clock);
        p.Cancel("Vente abandonnée", Build.Agent, clock.Now());

        Build.Refused(ErrorCodes.InvalidTransition, () => p.EnsureMarkable());
        Build.Refused(ErrorCodes.InvalidTransition, () => p.MarkSigned(null, Build.Agent, clock.Now()));
    }

    [Fact]
    public void RecordsMarkedSignedThenCompleted()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Manual, clock);
        p.ClearPendingEvents();

        p.MarkSigned("doc_compromis_scanne", Build.Agent, clock.Now());

        Assert.Equal(["procedure.marked_signed", "procedure.completed"], p.EventTypes());
        Assert.Equal(Build.Agent, p.PendingEvents[0].Actor);
        Assert.Equal("doc_compromis_scanne", p.PendingEvents[0].Fact<ProcedureMarkedSigned>().ScannedDocumentId);
    }
}
