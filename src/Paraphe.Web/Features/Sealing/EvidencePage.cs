using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Paraphe.Domain.Audit;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Pages;

namespace Paraphe.Web.Features.Sealing;

/// <summary>How a signer signed. <see cref="OnPaper"/>: manual mode, the agency marked the procedure signed on paper.</summary>
public enum SignatureMethod { Remote, RemoteWithSmsCode, InPerson, InPersonWithSmsCode, OnPaper }

/// <summary>
/// What one signer did, as recorded by the audit trail (times in UTC). Contacts in clear: masked when printed.
/// <see cref="Place"/>: where the signature is drawn (<see cref="EvidencePage.PlaceOnPage"/> or
/// <see cref="EvidencePage.PlaceOnAddedPage"/>); null when nothing is drawn (signed on paper).
/// </summary>
public sealed record SignerEvidence(
    string Name, string? Email, string? Mobile, SignatureMethod Method,
    DateTime? InvitationDeliveredAtUtc, DateTime? LinkOpenedAtUtc, DateTime? SignedAtUtc,
    string? IpAddress, string? UserAgent, string? Place = null);

/// <summary>
/// The facts the evidence certificate prints; gathered by the caller (no database access here). <paramref name="Trail"/>:
/// the audit trail's events in order, printed as the chronology (none: no chronology).
/// </summary>
public sealed record EvidenceFacts(
    string ProcedureId, string ProcedureTitle, string DocumentTitle, string OriginalSha256Hex,
    IReadOnlyList<SignerEvidence> Signers, string AuditChainLastHash, DateTime GeneratedAtUtc,
    IReadOnlyList<EvidenceEvent>? Trail = null, AgencyEvidence? Agency = null);

/// <summary>One event of the audit trail as the evidence page prints it: its stored type, and who, when known (a signer's name).</summary>
public sealed record EvidenceEvent(int Seq, DateTime AtUtc, string Type, string? Who);

/// <summary>The agency for which the document was signed: its name, address and carte professionnelle (loi Hoguet).</summary>
public sealed record AgencyEvidence(string Name, string? Address, string? ProfessionalCard);

/// <summary>Appends the « Certificat de preuve » page(s) at the end of the PDF. Pure function over bytes.</summary>
public static class EvidencePage
{
    public const string Title = "Certificat de preuve";
    public const int UserAgentMaxLength = 90;
    private const double Margin = 50;

    public static byte[] Append(byte[] pdf, EvidenceFacts facts)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        ArgumentNullException.ThrowIfNull(facts);
        return PdfEdit.Apply(pdf, document => Append(document, facts));
    }

    /// <summary>« j•••@gmail.com ».</summary>
    public static string MaskedEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) return "—";
        var at = email.LastIndexOf('@');
        return at <= 0 ? "•••" : $"{email[0]}•••{email[at..]}";
    }

    /// <summary>The words for a signature drawn on the « Page des signatures » (evidence page and status page).</summary>
    public const string PlaceOnAddedPage = "Signature sur une page ajoutée (« " + SignaturePage.Title + " »)";

    /// <summary>« page 2 du document ».</summary>
    public static string PlaceOnPage(int page) => $"page {page} du document";

    public static string Method(SignatureMethod method) => method switch
    {
        SignatureMethod.Remote => "à distance",
        SignatureMethod.RemoteWithSmsCode => "à distance avec code SMS",
        SignatureMethod.InPerson => "en personne",
        SignatureMethod.InPersonWithSmsCode => "en personne avec code SMS",
        SignatureMethod.OnPaper => "sur papier (signature constatée par l'agence)",
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    /// <summary>Events printed in the chronology at most; the rest stay in the audit trail (the certificate stays a few pages).</summary>
    public const int TrailMaxLines = 200;

    /// <summary>
    /// How the certificate words a stored event: by its kind, or for a type this version does not know (written by
    /// another version), by <see cref="UnknownWording"/>.
    /// </summary>
    public static string Wording(string type) => AuditCatalogue.KindOf(type) is { } kind ? Wording(kind) : UnknownWording(type);

    /// <summary>A stored event whose type is not in the catalogue: printed with its stored type.</summary>
    public static string UnknownWording(string type) => $"Événement enregistré « {type} »";

    /// <summary>One wording per kind of the audit catalogue (no discard: a new kind does not compile without it).</summary>
    public static string Wording(AuditKind kind) => kind switch
    {
        AuditKind.ProcedureCreated => "Création de la procédure",
        AuditKind.ProcedureUpdated => "Modification du brouillon",
        AuditKind.SignerAdded => "Ajout d'un signataire",
        AuditKind.SignerRemoved => "Retrait d'un signataire",
        AuditKind.ProcedureLaunched => "Lancement : empreinte du document et coordonnées des signataires figées",
        AuditKind.ProcedureCancelled => "Annulation de la procédure par l'agence",
        AuditKind.ProcedureExpired => "Expiration de la procédure",
        AuditKind.SignerLinkOpened => "Première ouverture du lien personnel de signature",
        AuditKind.SignerSigned => "Signature du document",
        AuditKind.SignerDeclined => "Refus de signer",
        AuditKind.SignerReminded => "Relance du signataire",
        AuditKind.ProcedureExpiringSoon => "Avertissement à l'agence : la procédure expire bientôt",
        AuditKind.AlertRaised => "Alerte envoyée à l'agence",
        AuditKind.SignerInvited => "Invitation du signataire, à son tour dans l'ordre de signature",
        AuditKind.SignerOtpSent => "Envoi d'un code de signature par SMS",
        AuditKind.SignerOtpFailed => "Saisie d'un code de signature erroné",
        AuditKind.SignerOtpVerified => "Code de signature vérifié",
        AuditKind.SignerOtpLocked => "Blocage de la signature par code SMS",
        AuditKind.ProcedureMarkedSigned => "Signature sur papier constatée par l'agence",
        AuditKind.ProcedureCompleted => "Toutes les signatures sont recueillies",
        AuditKind.ProcedureSealed => "Scellement électronique du document signé",
        AuditKind.ProcedureSealingFailed => "Échec du scellement électronique",
        AuditKind.ProcedureSealingRetried => "Nouvelle tentative de scellement demandée par l'agence",
        AuditKind.ProcedureSentToNotary => "Envoi du document signé au notaire",
        AuditKind.DocumentDownloaded => "Téléchargement du document signé",
        AuditKind.ProcedureRelaunched => "Remplacement par une nouvelle procédure",
        AuditKind.ProcedureRelaunchOf => "Reprise d'une procédure précédente",
        AuditKind.NotificationSent => "Message pris en charge par le prestataire d'envoi",
        AuditKind.NotificationDeferred => "Remise du message différée par le prestataire",
        AuditKind.NotificationDelivered => "Message remis au destinataire",
        AuditKind.NotificationFailed => "Échec de remise du message",
    };

    /// <summary>The audit's `signer.signed` method (remote, remote_otp, in_person, in_person_otp) as printed.</summary>
    public static SignatureMethod MethodOf(string auditMethod) => auditMethod switch
    {
        "remote" => SignatureMethod.Remote,
        "remote_otp" => SignatureMethod.RemoteWithSmsCode,
        "in_person" => SignatureMethod.InPerson,
        "in_person_otp" => SignatureMethod.InPersonWithSmsCode,
        _ => throw new ArgumentOutOfRangeException(nameof(auditMethod), auditMethod, "Méthode de signature inconnue."),
    };

    internal static void Append(PdfDocument document, EvidenceFacts facts)
    {
        using var writer = new Writer(document);
        writer.Line(Title, 18, bold: true);
        writer.Space(6);
        writer.Line($"Établi le {Labels.When(facts.GeneratedAtUtc)} (heure de Paris) par la plateforme Paraphe.", 9);
        if (facts.Agency is { } agency)
        {
            writer.Space(10);
            writer.Line("Agence", 12, bold: true);
            writer.Field("Nom", agency.Name);
            writer.Field("Adresse", string.IsNullOrWhiteSpace(agency.Address) ? "—" : agency.Address);
            writer.Field("Carte professionnelle", string.IsNullOrWhiteSpace(agency.ProfessionalCard) ? "—" : agency.ProfessionalCard);
        }
        writer.Space(10);
        writer.Line("Procédure", 12, bold: true);
        writer.Field("Identifiant", facts.ProcedureId);
        writer.Field("Intitulé", facts.ProcedureTitle);
        writer.Space(8);
        writer.Line("Document", 12, bold: true);
        writer.Field("Titre", facts.DocumentTitle);
        writer.Field("Empreinte SHA-256 du document original", "");
        writer.Line(facts.OriginalSha256Hex, 8, indent: 12);
        writer.Space(8);
        writer.Line($"Signataires ({facts.Signers.Count})", 12, bold: true);
        var number = 0;
        foreach (var s in facts.Signers)
        {
            writer.KeepTogether(10 * 13);
            writer.Space(4);
            writer.Line($"{++number}. {s.Name}", 10, bold: true);
            writer.Field("Courriel", MaskedEmail(s.Email));
            writer.Field("Mobile", string.IsNullOrWhiteSpace(s.Mobile) ? "—" : RequestOtp.MaskedMobile(s.Mobile));
            writer.Field("Mode de signature", Method(s.Method));
            writer.Field("Invitation remise", Labels.When(s.InvitationDeliveredAtUtc));
            writer.Field("Lien ouvert", Labels.When(s.LinkOpenedAtUtc));
            writer.Field("Signature", Labels.When(s.SignedAtUtc));
            if (s.Place is not null) writer.Field("Emplacement", s.Place);
            writer.Field("Adresse IP", string.IsNullOrWhiteSpace(s.IpAddress) ? "—" : s.IpAddress);
            writer.Field("Navigateur", Truncate(s.UserAgent, UserAgentMaxLength));
        }

        writer.Space(10);
        writer.Line("Journal d'audit", 12, bold: true);
        writer.Field("Dernière empreinte de la chaîne", "");
        writer.Line(facts.AuditChainLastHash, 8, indent: 12);
        if (facts.Trail is { Count: > 0 } trail)
        {
            writer.Space(8);
            writer.Line("Chronologie", 12, bold: true);
            foreach (var e in trail.Take(TrailMaxLines))
                writer.Line($"n° {e.Seq} · {Labels.When(e.AtUtc)} · {Wording(e.Type)}{(string.IsNullOrWhiteSpace(e.Who) ? "" : $" ({e.Who})")}",
                    8, indent: 12);
            if (trail.Count > TrailMaxLines)
                writer.Line($"… et {trail.Count - TrailMaxLines} événements de plus, conservés dans le journal d'audit.", 8, indent: 12);
        }
        writer.Space(8);
        writer.Line("Les heures sont celles de Paris. Les coordonnées sont masquées ; le journal d'audit complet est conservé par la plateforme.", 8);
        writer.Dispose();
        ToUnicodeFix.Apply(document);
    }

    private static string Truncate(string? text, int max) =>
        string.IsNullOrWhiteSpace(text) ? "—" : text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>
    /// A printed line longer than <see cref="LineMaxLength"/> UTF-16 code units is cut there (never inside a surrogate
    /// pair) and says how much was left out. Input limits (issue 9) keep every field far below; this bound is for
    /// records made before them: 2,000 characters are about 20 wrapped lines, beyond that a value is no longer read
    /// as evidence and would only add pages to the signed document (a 300,000-character title would add about 70).
    /// The full value stays in the audit trail.
    /// </summary>
    public const int LineMaxLength = 2000;

    internal static string Bounded(string text)
    {
        if (text.Length <= LineMaxLength) return text;
        var cut = char.IsLowSurrogate(text[LineMaxLength]) ? LineMaxLength - 1 : LineMaxLength;
        return $"{text[..cut]}… [{text.Length - cut} caractères de plus non imprimés]";
    }

    /// <summary>Writes lines top-down on A4 pages added at the end of the document, adding pages as needed.</summary>
    private sealed class Writer(PdfDocument document) : IDisposable
    {
        private const double Width = 595, Height = 842;
        private XGraphics? _gfx;
        private double _y;
        private int _continued;

        public void Dispose()
        {
            _gfx?.Dispose();
            _gfx = null;
        }

        public void Space(double points) => _y += points;

        public void KeepTogether(double points)
        {
            if (_gfx is not null && _y + points > Height - Margin) NewPage();
        }

        public void Field(string label, string value) => Line(value.Length == 0 ? $"{label} :" : $"{label} : {value}", 9, indent: 12);

        /// <summary>
        /// Wrapped to the page width (linear in the text's length, see <see cref="TextLayout"/>). One family for the
        /// whole page, hashes included (DejaVu Sans has tabular digits): each family embedded costs every seal its font
        /// subset (issue 12, round 3: the hashes' DejaVu Sans Mono was ~0.6 ms of CPU and ~10 KB a sealed file).
        /// </summary>
        public void Line(string text, double size, bool bold = false, double indent = 0)
        {
            var shaped = TextLayout.Shape(Bounded(text), DejaVuFonts.Sans, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);
            var gfx = _gfx ?? NewPage();
            foreach (var line in TextLayout.Wrap(shaped, size, Width - 2 * Margin - indent))
            {
                if (_y + size * 1.3 > Height - Margin) gfx = NewPage();
                _y += size * 1.3;
                TextLayout.Draw(gfx, line, size, XBrushes.Black, new XPoint(Margin + indent, _y));
            }
        }

        private XGraphics NewPage()
        {
            _gfx?.Dispose();
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(Width);
            page.Height = XUnit.FromPoint(Height);
            _gfx = XGraphics.FromPdfPage(page);
            _y = Margin;
            if (document.PageCount > 0 && _continued++ > 0)
            {
                _y += 12;
                _gfx.DrawString($"{Title} (suite)", TextLayout.Font(DejaVuFonts.Sans, 12, XFontStyleEx.Bold),
                    XBrushes.Black, new XPoint(Margin, _y));
                _y += 8;
            }

            return _gfx;
        }
    }
}
