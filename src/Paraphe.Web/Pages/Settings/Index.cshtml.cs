using Microsoft.AspNetCore.Mvc;
using Paraphe.Data;
using Paraphe.Domain.Agencies;
using Paraphe.Web.Features.Agencies;

namespace Paraphe.Web.Pages.Settings;

/// <summary>The agency's identity, SMS sender name and defaults for new procedures.</summary>
public sealed class IndexModel(ParapheDbContext db) : DirectorPageModel(db)
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Address { get; set; }
    [BindProperty] public string? ProfessionalCard { get; set; }
    [BindProperty] public string? SmsSender { get; set; }
    [BindProperty] public int? ReminderIntervalDays { get; set; }
    [BindProperty] public int? ReminderMax { get; set; }
    [BindProperty] public int? ExpiresInDays { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => Fill(await UpdateAgency.FindAsync(Db, AgencyId, ct));

    public Task<IActionResult> OnPostAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        await UpdateAgency.HandleAsync(Db, HttpContext, User, new UpdateAgency.Request(Name ?? "", Address ?? "", ProfessionalCard ?? "",
            SmsSender ?? "", new UpdateAgency.RemindersBody(ReminderIntervalDays, ReminderMax), ExpiresInDays), ct);
        SetFlash("Réglages de l'agence enregistrés.");
        return RedirectToPage();
    }, () => Task.FromResult<IActionResult>(Page()));

    private void Fill(Agency a)
    {
        Name = a.Name;
        Address = a.Address;
        ProfessionalCard = a.ProfessionalCard;
        SmsSender = a.SmsSender;
        ReminderIntervalDays = a.DefaultReminderIntervalDays;
        ReminderMax = a.DefaultReminderMax;
        ExpiresInDays = a.DefaultExpiresInDays;
    }
}
