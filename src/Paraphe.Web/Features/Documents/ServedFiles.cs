namespace Paraphe.Web.Features.Documents;

/// <summary>
/// Headers for every PDF Paraphe serves (uploaded contracts, scans, sealed documents): the browser must never treat
/// one as anything but a PDF (`nosniff`), and nothing in it may run in Paraphe's origin — the response is a sandbox
/// (unique origin, no scripts, no forms) and, unless <paramref name="inline"/>, an attachment. pdf.js (js/pdf-viewer.js)
/// fetches the bytes and draws them itself, so neither header changes what the sign, face-to-face and place-picker
/// pages show. A URL carrying a token (signing link, download link) is never cached nor sent on as a referrer.
/// </summary>
public static class ServedFiles
{
    public static void Protect(HttpResponse response, bool carriesToken, bool inline = false)
    {
        var headers = response.Headers;
        headers.XContentTypeOptions = "nosniff";
        if (!inline) headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        headers.CacheControl = carriesToken ? "no-store" : "private, no-store";
        if (carriesToken) headers["Referrer-Policy"] = "no-referrer";
    }
}
