using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Paraphe.Web.Features.Sealing;

namespace Paraphe.Web.Pages.Public;

/// <summary>« À propos »: the certificate Paraphe seals with; on a development install, its CA to trust in a verifier.</summary>
public sealed class AProposModel(SealCertificates certificates) : PageModel
{
    public X509Certificate2 Seal => certificates.Seal;
    public X509Certificate2? Authority => certificates.Chain.Count > 0 ? certificates.Chain[^1] : null;
    public bool IsDevelopment => certificates.IsDevelopment;

    public void OnGet() { }

    /// <summary>The authority's certificate in PEM, to import into a verifier (pdfsig's NSS database, Acrobat).</summary>
    public IActionResult OnGetAuthority() =>
        Authority is { } ca
            ? File(System.Text.Encoding.ASCII.GetBytes(ca.ExportCertificatePem()), "application/x-pem-file", "paraphe-ca.pem")
            : NotFound();
}
