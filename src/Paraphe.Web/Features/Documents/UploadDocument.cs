using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Domain.Documents;
using Paraphe.Web.Platform;
using Paraphe.Web.Platform.Storage;

namespace Paraphe.Web.Features.Documents;

/// <summary>Stores an uploaded contract with its SHA-256 after checking it is a real PDF of acceptable size.</summary>
public sealed class UploadDocument(ParapheDbContext db, IOptions<ParapheOptions> options, StoredFiles files)
{
    public async Task<Document> HandleAsync(string agencyId, IFormFile? file, string? title, string? kind, CancellationToken ct)
    {
        var document = await StageAsync(agencyId, file, title, kind, ct);
        await db.SaveChangesAsync(ct);
        return document;
    }

    /// <summary>Checks and adds the document without saving, for callers that commit more in the same transaction.</summary>
    public async Task<Document> StageAsync(string agencyId, IFormFile? file, string? title, string? kind, CancellationToken ct)
    {
        var bytes = await ReadAsync(file, "Joignez le contrat au format PDF (champ `file`).", options.Value, ct);
        return await StageAsync(agencyId, bytes, string.IsNullOrWhiteSpace(title) ? Path.GetFileNameWithoutExtension(file!.FileName) : title, kind, ct);
    }

    /// <summary>
    /// The bytes of an uploaded file, refused when missing (422, <paramref name="missing"/>) or above
    /// `Paraphe:MaxUploadMegabytes` (413 `document_too_large`). Every upload (contracts, scans, /verify) reads through here.
    /// </summary>
    public static async Task<byte[]> ReadAsync(IFormFile? file, string missing, ParapheOptions options, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
            throw new DomainException(ErrorCodes.ValidationFailed, missing,
                new Dictionary<string, string[]> { ["file"] = ["Aucun fichier reçu."] });
        if (file.Length > options.MaxUploadMegabytes * 1024L * 1024L)
            throw new DomainException(Problems.DocumentTooLarge,
                $"Le fichier fait {file.Length / 1024 / 1024} Mo ; la limite est de {options.MaxUploadMegabytes} Mo.");
        // The form reader has already spooled a large file to a temporary file: read it once into an array of its size
        // (what the PDF checks need), with no growing buffer and no second copy.
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)file.Length));
        await using var stream = file.OpenReadStream();
        await stream.ReadExactlyAsync(bytes, ct);
        return bytes;
    }

    /// <summary>
    /// Checks and cleans the PDF, writes it to the document store (before the row that names it is saved: a failed
    /// save leaves an orphan object, never a row without its object) and adds the document.
    /// </summary>
    public async Task<Document> StageAsync(string agencyId, byte[] bytes, string? title, string? kind, CancellationToken ct)
    {
        var inspection = PdfInspector.Inspect(bytes);
        if (!inspection.Ok)
            throw new DomainException(Problems.InvalidDocument, inspection.Error!,
                new Dictionary<string, string[]> { ["file"] = [inspection.Error!] });
        (bytes, RemovedActiveContent) = RemoveActiveContent(bytes);
        var document = Document.Create(agencyId, title, kind, Convert.ToHexStringLower(SHA256.HashData(bytes)),
            inspection.Pages, bytes.LongLength, db.UtcNow, inspection.Sizes);
        var key = StorageKeys.Document(agencyId, document.Id);
        await files.PutAsync(key, bytes, ct);
        db.Documents.Add(document);
        db.DocumentContents.Add(new DocumentContent { DocumentId = document.Id, AgencyId = agencyId, StorageKey = key });
        return document;
    }

    /// <summary>What the last <see cref="Stage"/> removed from its document (<see cref="PdfActiveContent"/> kinds);
    /// the stored document and its SHA-256 are the cleaned ones.</summary>
    public IReadOnlyList<string> RemovedActiveContent { get; private set; } = [];

    private static (byte[], IReadOnlyList<string>) RemoveActiveContent(byte[] bytes)
    {
        try
        {
            return PdfActiveContent.Clean(bytes);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            const string message = "Ce PDF contient du contenu actif (scripts, fichiers joints…) qui n'a pas pu être retiré. " +
                                   "Exportez-le de nouveau en PDF simple (« Imprimer en PDF ») puis recommencez.";
            throw new DomainException(Problems.InvalidDocument, message, new Dictionary<string, string[]> { ["file"] = [message] });
        }
    }

    /// <summary>« JavaScript, fichiers joints » — the kinds removed, for a person.</summary>
    public static string Describe(IEnumerable<string> kinds) => string.Join(", ", kinds.Select(k => k switch
    {
        PdfActiveContent.JavaScript => "JavaScript",
        PdfActiveContent.Launch => "lancement de programmes",
        PdfActiveContent.FormSubmission => "envoi de formulaire",
        PdfActiveContent.EmbeddedFiles => "fichiers joints",
        PdfActiveContent.Xfa => "formulaire XFA",
        PdfActiveContent.RichMedia => "contenu multimédia",
        _ => k,
    }));

    public static async Task<Document> FindAsync(ParapheDbContext db, string id, CancellationToken ct) =>
        await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct)
        ?? throw new DomainException(ErrorCodes.NotFound, "Document introuvable.");
}
