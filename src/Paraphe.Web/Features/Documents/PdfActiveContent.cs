using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.IO;

namespace Paraphe.Web.Features.Documents;

/// <summary>
/// Removes from an uploaded PDF everything that could act rather than be read, so that it never reaches a signer nor
/// the sealed document: JavaScript (the document's name tree, open and additional actions, link actions), actions that
/// launch programs, submit or import form data, or play media; embedded files (the name tree, file-attachment
/// annotations, file specifications' embedded streams); XFA forms; rich media, screen, movie, sound and 3D
/// annotations. Every dictionary of the file is visited (indirect objects and the dictionaries inside them), so an
/// action reachable through an unusual key is neutralised in place too. A document with none of it is returned as is
/// (same bytes, same SHA-256); otherwise it is rewritten (PDFsharp drops the objects nothing refers to any more).
/// </summary>
public static class PdfActiveContent
{
    public const string JavaScript = "javascript", Launch = "launch", FormSubmission = "form_submission",
        EmbeddedFiles = "embedded_files", Xfa = "xfa", RichMedia = "rich_media";

    /// <summary>The document without its active content, and the kinds removed (empty: <paramref name="pdf"/> itself).</summary>
    /// <exception cref="Exception">whatever the parser or writer throws: the caller refuses the file.</exception>
    public static (byte[] Pdf, IReadOnlyList<string> Removed) Clean(byte[] pdf)
    {
        using var input = new MemoryStream(pdf, writable: false);
        using var document = PdfReader.Open(input, PdfDocumentOpenMode.Modify);
        var removed = new SortedSet<string>(StringComparer.Ordinal);
        var catalog = document.Internals.Catalog;

        if (Resolve(catalog.Elements["/Names"]) is PdfDictionary names)
        {
            if (names.Elements.Remove("/JavaScript")) removed.Add(JavaScript);
            if (names.Elements.Remove("/EmbeddedFiles")) removed.Add(EmbeddedFiles);
        }
        if (Resolve(catalog.Elements["/AcroForm"]) is PdfDictionary form && form.Elements.Remove("/XFA")) removed.Add(Xfa);
        catalog.Elements.Remove("/NeedsRendering");

        foreach (var page in document.Pages)
        {
            if (Resolve(page.Elements["/Annots"]) is not PdfArray annotations) continue;
            for (var i = annotations.Elements.Count - 1; i >= 0; i--)
                if (Resolve(annotations.Elements[i]) is PdfDictionary a && ActiveAnnotation(a.Elements.GetName("/Subtype")) is { } kind)
                {
                    annotations.Elements.RemoveAt(i);
                    removed.Add(kind);
                }
        }

        var seen = new HashSet<PdfItem>(ReferenceEqualityComparer.Instance);
        foreach (var item in document.Internals.GetAllObjects()) Visit(item, removed, seen, 0);

        if (removed.Count == 0) return (pdf, []);
        using var output = new MemoryStream(pdf.Length);
        document.Save(output, closeStream: false);
        return (output.ToArray(), removed.ToList());
    }

    /// <summary>Cleans a dictionary and the direct dictionaries and arrays inside it (references are visited as objects).</summary>
    private static void Visit(PdfItem item, ISet<string> removed, HashSet<PdfItem> seen, int depth)
    {
        if (depth > PdfNesting.MaxDepth || !seen.Add(item)) return;
        switch (item)
        {
            case PdfDictionary d:
                Clean(d, removed);
                foreach (var key in d.Elements.Keys.ToList())
                    if (d.Elements[key] is PdfDictionary or PdfArray) Visit(d.Elements[key]!, removed, seen, depth + 1);
                break;
            case PdfArray a:
                foreach (var element in a.Elements.ToList())
                    if (element is PdfDictionary or PdfArray) Visit(element, removed, seen, depth + 1);
                break;
        }
    }

    private static void Clean(PdfDictionary d, ISet<string> removed)
    {
        if (d.Elements.ContainsKey("/AA"))
        {
            removed.Add(Kinds(d.Elements["/AA"]).FirstOrDefault() ?? JavaScript);
            d.Elements.Remove("/AA"); // triggers (open, close, keystroke, focus…) exist only to run actions
        }
        foreach (var key in new[] { "/OpenAction", "/A", "/Next", "/PA" })
            if (d.Elements.ContainsKey(key) && Kinds(d.Elements[key]).ToList() is { Count: > 0 } kinds)
            {
                d.Elements.Remove(key);
                foreach (var k in kinds) removed.Add(k);
            }
        // An action or embedded file reachable some other way: emptied in place.
        var kind = ActionKind(d.Elements.GetName("/S")) ?? (d.Elements.ContainsKey("/JS") ? JavaScript : null);
        if (kind is not null)
        {
            d.Elements.Clear();
            removed.Add(kind);
        }
        if (d.Elements.Remove("/EF") | d.Elements.Remove("/RF")) removed.Add(EmbeddedFiles);
        if (d.Elements.GetName("/Type") == "/EmbeddedFile")
        {
            d.Elements.Clear();
            if (d.Stream is not null) d.Stream.Value = [];
            removed.Add(EmbeddedFiles);
        }
        if (d.Elements.Remove("/XFA")) removed.Add(Xfa);
        if (ActiveAnnotation(d.Elements.GetName("/Subtype")) is { } annotation && d.Elements.GetName("/Type") is "/Annot" or "")
        {
            d.Elements.Clear();
            removed.Add(annotation);
        }
    }

    /// <summary>The kinds of dangerous actions in an action, an action chain (/Next) or an additional-actions dictionary.</summary>
    private static IEnumerable<string> Kinds(PdfItem? item, int depth = 0)
    {
        if (depth > 16) yield break;
        switch (Resolve(item))
        {
            case PdfDictionary action:
                if (ActionKind(action.Elements.GetName("/S")) is { } kind) yield return kind;
                else if (action.Elements.ContainsKey("/JS")) yield return JavaScript;
                foreach (var key in action.Elements.Keys.ToList())
                    if (key is not "/Parent" and not "/P" && Resolve(action.Elements[key]) is PdfDictionary or PdfArray)
                        foreach (var k in Kinds(action.Elements[key], depth + 1)) yield return k;
                break;
            case PdfArray chain:
                foreach (var element in chain.Elements.ToList())
                    foreach (var k in Kinds(element, depth + 1)) yield return k;
                break;
        }
    }

    private static string? ActionKind(string? type) => type switch
    {
        "/JavaScript" => JavaScript,
        "/Launch" => Launch,
        "/SubmitForm" or "/ImportData" => FormSubmission,
        "/GoToE" => EmbeddedFiles,
        "/Rendition" or "/Movie" or "/Sound" or "/RichMediaExecute" or "/GoTo3DView" => RichMedia,
        _ => null,
    };

    private static string? ActiveAnnotation(string? subtype) => subtype switch
    {
        "/FileAttachment" => EmbeddedFiles,
        "/RichMedia" or "/Screen" or "/Movie" or "/Sound" or "/3D" => RichMedia,
        _ => null,
    };

    private static PdfItem? Resolve(PdfItem? item) => item is PdfReference reference ? reference.Value : item;
}
