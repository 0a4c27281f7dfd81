using Paraphe.Domain.Audit;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureUpdate
{
    [Fact]
    public void ChangesTheModeAndOptionsOfADraft()
    {
        var p = Build.Draft(ProcedureMode.Remote);

        p.Update(new Procedure.Options(ProcedureMode.InPerson, Otp: true, ExpiresInDays: 15, ReminderIntervalDays: 3, ReminderMax: 5),
            null, null, Build.Agent);

        Assert.Equal(ProcedureMode.InPerson, p.Mode);
        Assert.True(p.Otp);
        Assert.Equal((15, 3, 5), (p.ExpiresInDays, p.ReminderIntervalDays, p.ReminderMax));
        Assert.Equal(Build.DocumentId, p.DocumentId);
        Assert.Equal(Build.Title, p.Title);
    }

    [Fact]
    public void KeepsTheCurrentValueOfAnOptionLeftOut()
    {
        var p = Build.Draft(options: new Procedure.Options(ProcedureMode.Remote, false, 45, 5, 2));

        p.Update(new Procedure.Options(ProcedureMode.Remote), null, null, Build.Agent);

        Assert.Equal((45, 5, 2), (p.ExpiresInDays, p.ReminderIntervalDays, p.ReminderMax));
    }

    [Fact]
    public void ReplacesTheDocumentAndItsTitle()
    {
        var p = Build.Draft();

        p.Update(new Procedure.Options(ProcedureMode.Remote), "doc_compromis_v2", "Compromis de vente v2", Build.Agent);

        Assert.Equal("doc_compromis_v2", p.DocumentId);
        Assert.Equal("Compromis de vente v2", p.Title);
    }

    [Fact]
    public void KeepsTheTitleWhenTheNewDocumentComesWithoutOne()
    {
        var p = Build.Draft();

        p.Update(new Procedure.Options(ProcedureMode.Remote), "doc_compromis_v2", null, Build.Agent);

        Assert.Equal("doc_compromis_v2", p.DocumentId);
        Assert.Equal(Build.Title, p.Title);
    }

    [Fact]
    public void RefusesABadOptionWithItsFieldAndChangesNothing()
    {
        var p = Build.Draft(ProcedureMode.Remote);

        var e = Build.Refused(ErrorCodes.ValidationFailed,
            () => p.Update(new Procedure.Options(ProcedureMode.Manual, ExpiresInDays: 0), null, null, Build.Agent));

        Assert.Contains("expires_in_days", e.Errors.Keys);
        Assert.Equal(ProcedureMode.Remote, p.Mode);
        Assert.Equal(30, p.ExpiresInDays);
        Assert.Equal(["procedure.created"], p.EventTypes());
    }

    [Fact]
    public void RecordsAnUpdatedEventWithTheNewOptions()
    {
        var p = Build.Draft();
        p.ClearPendingEvents();

        p.Update(new Procedure.Options(ProcedureMode.Manual, ExpiresInDays: 60), null, null, "user:usr_directrice_garnier");

        var e = Assert.Single(p.PendingEvents);
        Assert.Equal("procedure.updated", e.Type);
        Assert.Equal("user:usr_directrice_garnier", e.Actor);
        Assert.Equal("manual", e.Fact<ProcedureUpdated>().Mode);
        Assert.Equal(60, e.Fact<ProcedureUpdated>().ExpiresInDays);
    }
}
