using Microsoft.AspNetCore.Mvc;
using Paraphe.Data;
using Paraphe.Domain.Contacts;
using Paraphe.Web.Features.Contacts;

namespace Paraphe.Web.Pages.Contacts;

/// <summary>
/// Creates (`/contacts/new`) or edits a contact with SaveContact. The checks are shown after each save; a failing
/// check does not prevent saving, it only keeps the contact from being a remote signer until fixed.
/// </summary>
public sealed class EditModel(ParapheDbContext db) : AgentPageModel(db)
{
    public const string NewId = "new";

    [BindProperty(SupportsGet = true)] public string Id { get; set; } = NewId;
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Mobile { get; set; }
    /// <summary>"fr" or "en": the language of the client's emails and SMS.</summary>
    [BindProperty] public string? Language { get; set; } = "fr";

    public bool IsNew => Id == NewId;

    /// <summary>The checks of the stored values (null before the first save).</summary>
    public ContactCheckResult? Checks { get; private set; }

    /// <summary>Ongoing procedures where this contact has still to sign: their invitations keep the coordinates of their launch.</summary>
    public IReadOnlyList<ContactInOngoingProcedures.Item> Ongoing { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (IsNew) return Page();
        return await AttemptAsync(async () =>
        {
            var contact = await SaveContact.FindAsync(Db, Id, ct);
            (FirstName, LastName, Email, Mobile) = (contact.FirstName, contact.LastName, contact.Email, Paraphe.Domain.Contacts.PhoneDisplay.Format(contact.Mobile));
            Language = Languages.Wire(contact.Language);
            Checks = contact.Checks();
            Ongoing = await ContactInOngoingProcedures.ForAsync(Db, contact.Id, ct);
            return Page();
        }, () => Task.FromResult<IActionResult>(NotFound()));
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // Empty fields are sent as "" so that clearing a field really clears it (the use case keeps absent ones).
        var request = new SaveContact.Request(FirstName ?? "", LastName ?? "", Email ?? "", Mobile ?? "", Language);
        return await AttemptAsync(async () =>
        {
            var contact = IsNew
                ? await SaveContact.CreateAsync(Db, AgencyId, request, ct)
                : await SaveContact.UpdateAsync(Db, Id, request, ct);
            if (contact.Checks().CanReceiveRemote) SetFlash("Contact enregistré.");
            else SetWarning("Contact enregistré, mais ses coordonnées sont à corriger (voir ci-dessous).");
            return RedirectToPage(new { id = contact.Id });
        }, async () =>
        {
            if (!IsNew) Ongoing = await ContactInOngoingProcedures.ForAsync(Db, Id, ct);
            return Page();
        });
    }
}
