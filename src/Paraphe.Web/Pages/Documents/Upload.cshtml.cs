using Microsoft.AspNetCore.Mvc;
using Paraphe.Data;
using Paraphe.Web.Features.Documents;

namespace Paraphe.Web.Pages.Documents;

/// <summary>Uploads a PDF with UploadDocument (real PDF, size limit, SHA-256).</summary>
[Paraphe.Web.Platform.BodyLimit(Paraphe.Web.Platform.BodyLimit.FileUpload)]
public sealed class UploadModel(ParapheDbContext db, UploadDocument upload) : AgentPageModel(db)
{
    [BindProperty] public IFormFile? Pdf { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? Kind { get; set; } = "compromis";

    /// <summary>Where to go back after the upload (the new-procedure page passes itself).</summary>
    [BindProperty(SupportsGet = true)] public string? ReturnTo { get; set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct) =>
        await AttemptAsync(async () =>
        {
            var document = await upload.HandleAsync(AgencyId, Pdf, Title, Kind, ct);
            var imported = $"Document « {document.Title} » importé ({Paraphe.Domain.FrenchWords.Count(document.Pages, "page")}).";
            if (upload.RemovedActiveContent.Count == 0) SetFlash(imported);
            else SetWarning(imported + $" Contenu actif retiré du PDF pour la sécurité des signataires : {UploadDocument.Describe(upload.RemovedActiveContent)}.");
            return ReturnTo == "new-procedure"
                ? Redirect($"/procedures/new?documentId={Uri.EscapeDataString(document.Id)}")
                : Redirect("/documents");
        }, () => Task.FromResult<IActionResult>(Page()));
}
