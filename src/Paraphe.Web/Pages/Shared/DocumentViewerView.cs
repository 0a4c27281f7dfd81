using System.Globalization;
using System.Text.Json;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Pages.Shared;

/// <summary>
/// The document viewer partial (_DocumentViewer): the PDF at <paramref name="Url"/>, page by page, with the signer's
/// place when <paramref name="Field"/> is set (else the signature goes in the automatic block at the end).
/// </summary>
public sealed record DocumentViewerView(string Url, string Title, int? Pages, SignatureField? Field)
{
    /// <summary>The field for js/pdf-viewer.js, in PDF points (origin bottom left, y up), as the API writes it.</summary>
    public string? FieldJson => Field is { } f
        ? JsonSerializer.Serialize(new { page = f.Page, x = f.X, y = f.Y, width = f.Width, height = f.Height })
        : null;

    /// <summary>
    /// « Aperçu (3 pages) : chargement… » while pdf.js loads; without the count when the page does not know it. One line
    /// on a phone, as « Document affiché : 3 pages. » that replaces it, so the form below does not move.
    /// </summary>
    public string Loading => Pages is { } n
        ? $"Aperçu du document ({n.ToString(CultureInfo.InvariantCulture)} page{(n > 1 ? "s" : "")}) : chargement…"
        : "Aperçu du document : chargement…";
}
