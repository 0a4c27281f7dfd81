using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Paraphe.Domain;
using Paraphe.Web.Features.Verification;

namespace Paraphe.Web.Pages.Public;

/// <summary>« Vérifier un document »: anyone uploads a PDF and learns whether Paraphe sealed it and whether it is intact.</summary>
[Paraphe.Web.Platform.BodyLimit(Paraphe.Web.Platform.BodyLimit.FileUpload)]
[IgnoreAntiforgeryToken(Order = 1001)]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Features.Verification.VerificationSetup.RatePolicy)]
public sealed class VerifierModel(VerifyDocument verify) : PageModel
{
    [BindProperty] public IFormFile? Upload { get; set; }

    public VerificationResponse? Result { get; private set; }
    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            Result = await verify.HandleAsync(Upload, ct);
        }
        catch (DomainException e)
        {
            Error = e.Message;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }
        return Page();
    }
}
