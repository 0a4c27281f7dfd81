namespace Paraphe.Domain.Documents;

/// <summary>An uploaded contract. The bytes live beside it; their SHA-256 is recorded here.</summary>
public sealed class Document
{
    private Document() { }

    public string Id { get; private set; } = "";
    public string AgencyId { get; private set; } = "";
    public string Title { get; private set; } = "";
    public string Kind { get; private set; } = "";
    public string Sha256 { get; private set; } = "";
    public int Pages { get; private set; }
    public long Size { get; private set; }
    /// <summary>Each page's size (<see cref="PageSize.Format"/>); null for documents stored before it was recorded.</summary>
    public string? PageSizes { get; private set; }
    public DateTime CreatedAt { get; private set; }

    /// <summary>Kinds of contract an agency signs; free text is accepted too.</summary>
    public static readonly IReadOnlyList<string> KnownKinds = ["offre_achat", "compromis", "mandat", "bail", "autre"];

    public static Document Create(string agencyId, string? title, string? kind, string sha256, int pages, long size, DateTime now,
        IReadOnlyList<PageSize>? pageSizes = null)
    {
        if (string.IsNullOrWhiteSpace(title))
            throw new DomainException(ErrorCodes.ValidationFailed, "Le titre du document est obligatoire.",
                new Dictionary<string, string[]> { ["title"] = ["Donnez un titre au document."] });
        var errors = new Dictionary<string, string[]>();
        TextInput.Check(errors, "title", title.Trim(), TextInput.Title);
        TextInput.Check(errors, "kind", kind?.Trim(), TextInput.Kind);
        TextInput.ThrowIfAny(errors);
        return new Document
        {
            Id = Ids.Document(), AgencyId = agencyId, Title = title.Trim(),
            Kind = string.IsNullOrWhiteSpace(kind) ? "autre" : kind.Trim(),
            Sha256 = sha256, Pages = pages, Size = size, CreatedAt = now,
            PageSizes = pageSizes is null ? null : PageSize.Format(pageSizes),
        };
    }
}
