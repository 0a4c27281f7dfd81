using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

/// <summary>Once launched nothing about the document or the signers changes: the agent cancels, corrects, relaunches.</summary>
public class ProcedureEditAfterLaunch
{
    public static TheoryData<string> Edits => ["update", "change document", "add signer", "remove signer", "launch"];

    private static void Edit(Procedure p, string edit)
    {
        var now = Build.Start.UtcDateTime.AddDays(1);
        switch (edit)
        {
            case "update": p.Update(new Procedure.Options(p.Mode, ExpiresInDays: 90), null, null, Build.Agent); break;
            case "change document": p.Update(new Procedure.Options(p.Mode), "doc_compromis_v2", "v2", Build.Agent); break;
            case "add signer": p.AddSigner("ctc_benali", null, "acquéreur", null, Build.SecondBuyer, Build.Agent); break;
            case "remove signer": p.RemoveSigner(p.Signers[0].Id, Build.Agent); break;
            case "launch": p.Launch(Build.DocumentSha, Build.Unchanged, Build.TokenHash, Build.Agent, now); break;
        }
    }

    [Theory]
    [MemberData(nameof(Edits))]
    public void IsRefusedAsLockedAndSaysToCancelCorrectAndRelaunch(string edit)
    {
        var p = Build.Ongoing();
        var version = p.Version;

        var e = Build.Refused(ErrorCodes.ProcedureLocked, () => Edit(p, edit));

        Assert.Contains("annulez", e.Message);
        Assert.Contains("corrigez", e.Message);
        Assert.Contains("relancez", e.Message);
        Assert.Equal(version, p.Version);
        Assert.Equal(2, p.Signers.Count);
        Assert.Equal(Build.DocumentId, p.DocumentId);
        Assert.Equal(30, p.ExpiresInDays);
    }

    public static TheoryData<string, string> EditsOnFinished()
    {
        var data = new TheoryData<string, string>();
        foreach (var state in new[] { "completed", "cancelled", "declined", "expired" })
        foreach (var edit in new[] { "update", "add signer", "remove signer", "launch" })
            data.Add(state, edit);
        return data;
    }

    [Theory]
    [MemberData(nameof(EditsOnFinished))]
    public void IsRefusedAsLockedOnAFinishedProcedureToo(string state, string edit)
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        switch (state)
        {
            case "completed":
                p.Sign(p.SellerSigner().Id, Build.Drawn(), clock.Now());
                p.Sign(p.BuyerSigner().Id, Build.Drawn(), clock.Now());
                break;
            case "cancelled": p.Cancel("Erreur sur le prix", Build.Agent, clock.Now()); break;
            case "declined": p.Decline(p.BuyerSigner().Id, "Financement refusé", clock.Now()); break;
            case "expired": Assert.True(p.ExpireIfDue(clock.Now().AddDays(31))); break;
        }

        Build.Refused(ErrorCodes.ProcedureLocked, () => Edit(p, edit));
    }

    [Fact]
    public void LeavesTheFrozenSignerCoordinatesAsTheyWere()
    {
        var p = Build.Ongoing();

        Build.Refused(ErrorCodes.ProcedureLocked, () => p.EnsureDraft());

        Assert.Equal("julien.moreau@orange.fr", p.BuyerSigner().Email);
    }
}
