using System.Globalization;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Documents;

/// <summary>A page's size in PDF points, as displayed (rotation applied), the space signature boxes are given in.</summary>
public sealed record PageSize(double Width, double Height)
{
    /// <summary>"595.28x841.89 612x792": compact, the same on both databases.</summary>
    public static string Format(IEnumerable<PageSize> sizes) =>
        string.Join(' ', sizes.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Width:0.##}x{s.Height:0.##}")));

    public static IReadOnlyList<PageSize>? Parse(string? stored)
    {
        if (string.IsNullOrWhiteSpace(stored)) return null;
        var sizes = new List<PageSize>();
        foreach (var part in stored.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var wh = part.Split('x');
            if (wh.Length != 2
                || !double.TryParse(wh[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var w)
                || !double.TryParse(wh[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var h))
                return null;
            sizes.Add(new PageSize(w, h));
        }
        return sizes;
    }
}

/// <summary>A signature box must lie entirely inside its page: stamped elsewhere, it would be invisible or cut.</summary>
public static class SignatureBoxes
{
    /// <summary>The French reason <paramref name="f"/> does not fit the document, or null.</summary>
    public static string? Problem(SignatureField f, IReadOnlyList<PageSize> pages)
    {
        if (!double.IsFinite(f.X) || !double.IsFinite(f.Y) || !double.IsFinite(f.Width) || !double.IsFinite(f.Height))
            return "Les coordonnées de l'emplacement de signature doivent être des nombres.";
        if (f.Page < 1 || f.Page > pages.Count)
            return $"La page {f.Page} n'existe pas : le document a {pages.Count} page{(pages.Count > 1 ? "s" : "")}.";
        if (f.Width <= 0 || f.Height <= 0)
            return "L'emplacement de signature doit avoir une largeur et une hauteur positives.";
        var page = pages[f.Page - 1];
        if (f.X < 0 || f.Y < 0 || f.X + f.Width > page.Width + Tolerance || f.Y + f.Height > page.Height + Tolerance)
            return string.Create(CultureInfo.GetCultureInfo("fr-FR"),
                $"L'emplacement de signature doit être entièrement dans la page {f.Page} ({page.Width:0.##} × {page.Height:0.##} points, origine en bas à gauche).");
        return null;
    }

    /// <summary>Half a point: sizes are stored rounded to 0.01 and UIs round what they compute.</summary>
    private const double Tolerance = 0.5;
}
