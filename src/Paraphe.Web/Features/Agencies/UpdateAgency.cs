using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Domain.Agencies;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Agencies;

/// <summary>The agency's identity, SMS sender and defaults: read, and changed by a director (journalled, field by field).</summary>
public static class UpdateAgency
{
    public sealed record RemindersBody(int? IntervalDays, int? Max);

    public sealed record Request(string? Name, string? Address, string? ProfessionalCard, string? SmsSender,
        RemindersBody? DefaultReminders, int? DefaultExpiresInDays);

    public sealed record Response(string Id, string Name, string? Address, string? ProfessionalCard, string SmsSender,
        RemindersBody DefaultReminders, int DefaultExpiresInDays, DateTime CreatedAt);

    public static Response ToResponse(this Agency a) => new(a.Id, a.Name, a.Address, a.ProfessionalCard, a.SmsSender,
        new RemindersBody(a.DefaultReminderIntervalDays, a.DefaultReminderMax), a.DefaultExpiresInDays, a.CreatedAt);

    public static Task<Agency> FindAsync(ParapheDbContext db, string agencyId, CancellationToken ct) =>
        db.Agencies.FirstAsync(a => a.Id == agencyId, ct);

    public static async Task<Agency> HandleAsync(ParapheDbContext db, HttpContext http, ClaimsPrincipal actor, Request r, CancellationToken ct)
    {
        TextInput.Ensure("name", r.Name, new TextInput.Rule(Agency.NameMax, false, "le nom de l'agence"));
        TextInput.Ensure("address", r.Address, new TextInput.Rule(Agency.AddressMax, false, "l'adresse"));
        TextInput.Ensure("professional_card", r.ProfessionalCard, new TextInput.Rule(Agency.ProfessionalCardMax, false, "la carte professionnelle"));
        TextInput.Ensure("sms_sender", r.SmsSender, new TextInput.Rule(40, false, "l'expéditeur des SMS"));
        var agency = await FindAsync(db, actor.AgencyId(), ct);
        var changes = agency.Update(new Agency.Settings(r.Name, r.Address, r.ProfessionalCard, r.SmsSender,
            r.DefaultReminders?.IntervalDays, r.DefaultReminders?.Max, r.DefaultExpiresInDays));
        if (changes.Count == 0) return agency;
        AgencyJournal.Record(db, JournalKind.AgencyUpdated, http, agency.Id, actor, null, AgencyJournal.Describe(changes));
        await db.SaveChangesAsync(ct);
        return agency;
    }
}
