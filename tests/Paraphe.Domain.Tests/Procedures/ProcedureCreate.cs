using Paraphe.Domain.Audit;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureCreate
{
    [Fact]
    public void StartsAsADraftWithTheDefaultOptions()
    {
        var clock = Build.Clock();

        var p = Build.Draft(ProcedureMode.Remote, clock);

        Assert.StartsWith("prc_", p.Id);
        Assert.Equal(ProcedureStatus.Draft, p.Status);
        Assert.True(p.IsDraft);
        Assert.False(p.IsFinished);
        Assert.Equal(Build.AgencyId, p.AgencyId);
        Assert.Equal(Build.DocumentId, p.DocumentId);
        Assert.Equal(Build.Title, p.Title);
        Assert.Equal(ProcedureMode.Remote, p.Mode);
        Assert.False(p.Otp);
        Assert.Equal(30, p.ExpiresInDays);
        Assert.Equal(2, p.ReminderIntervalDays);
        Assert.Equal(3, p.ReminderMax);
        Assert.Equal(Build.Agent, p.CreatedBy);
        Assert.Equal(clock.Now(), p.CreatedAt);
        Assert.Null(p.LaunchedAt);
        Assert.Null(p.ExpiresAt);
        Assert.Null(p.DocumentSha256);
        Assert.Empty(p.Signers);
    }

    [Fact]
    public void KeepsTheOptionsItIsGiven()
    {
        var p = Build.Draft(options: new Procedure.Options(ProcedureMode.InPerson, Otp: true, ExpiresInDays: 10,
            ReminderIntervalDays: 7, ReminderMax: 0));

        Assert.Equal(ProcedureMode.InPerson, p.Mode);
        Assert.True(p.Otp);
        Assert.Equal(10, p.ExpiresInDays);
        Assert.Equal(7, p.ReminderIntervalDays);
        Assert.Equal(0, p.ReminderMax);
    }

    [Theory]
    [InlineData(1, 2, 0)]
    [InlineData(365, 60, 10)]
    public void AcceptsTheBoundsOfEachOption(int expires, int interval, int max)
    {
        var p = Build.Draft(options: new Procedure.Options(ProcedureMode.Remote, false, expires, interval, max));

        Assert.Equal((expires, interval, max), (p.ExpiresInDays, p.ReminderIntervalDays, p.ReminderMax));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(366)]
    [InlineData(-5)]
    public void RefusesAnExpiryOutsideOneToThreeHundredSixtyFiveDays(int days)
    {
        var e = Build.Refused(ErrorCodes.ValidationFailed,
            () => Build.Draft(options: new Procedure.Options(ProcedureMode.Remote, ExpiresInDays: days)));

        Assert.Equal(["expires_in_days"], e.Errors.Keys);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(61)]
    [InlineData(0)]
    public void RefusesAReminderIntervalOutsideTwoToSixtyDays(int days)
    {
        var e = Build.Refused(ErrorCodes.ValidationFailed,
            () => Build.Draft(options: new Procedure.Options(ProcedureMode.Remote, ReminderIntervalDays: days)));

        Assert.Equal(["reminders.interval_days"], e.Errors.Keys);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void RefusesAReminderCountOutsideZeroToTen(int max)
    {
        var e = Build.Refused(ErrorCodes.ValidationFailed,
            () => Build.Draft(options: new Procedure.Options(ProcedureMode.Remote, ReminderMax: max)));

        Assert.Equal(["reminders.max"], e.Errors.Keys);
    }

    [Fact]
    public void ReportsEveryBadOptionAtOnce()
    {
        var e = Build.Refused(ErrorCodes.ValidationFailed,
            () => Build.Draft(options: new Procedure.Options(ProcedureMode.Remote, false, 400, 1, 11)));

        Assert.Equal(["expires_in_days", "reminders.interval_days", "reminders.max"], e.Errors.Keys.Order());
        Assert.All(e.Errors.Values, messages => Assert.NotEmpty(Assert.Single(messages)));
    }

    [Fact]
    public void RecordsACreatedEventWithTheModeAndDocument()
    {
        var p = Build.Draft(ProcedureMode.InPerson);

        var e = Assert.Single(p.PendingEvents);
        Assert.Equal("procedure.created", e.Type);
        Assert.Equal(Build.Agent, e.Actor);
        Assert.Equal("in_person", e.Fact<ProcedureCreated>().Mode);
        Assert.Equal(Build.DocumentId, e.Fact<ProcedureCreated>().DocumentId);
        Assert.False(e.Fact<ProcedureCreated>().Otp);
    }
}
