using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Paraphe.Testing;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Completion;

/// <summary>
/// Issue 10, point 6: a signer without a chosen place signs on the « Page des signatures » added at the end of the
/// document at sealing, never over the contract. Checked on the sealed file with poppler (independent of PDFsharp):
/// pdfsig accepts the seal, every contract page reads exactly as uploaded and carries no image unless a signer chose a
/// place on it, the added pages list every such signer with their role, and the evidence says where each one signed.
/// </summary>
public abstract partial class SignaturePages(ParapheApp app)
{
    private readonly Api api = app.Api();
    private static readonly string Drawn = "data:image/png;base64," + Convert.ToBase64String(SamplePdfs.NotAPdf());

    /// <summary>A name as long as signing in person accepts (200 characters confirmed; a contact allows 100 + 100).</summary>
    private static readonly (string First, string Last) LongName = (
        "Marie-Charlotte Eugénie Joséphine Anne-Sophie Bérengère Hortense Clémentine " + new string('a', 24),
        "de La Rochefoucauld-Montmorency d'Estaing de Saint-Exupéry-Villeneuve " + new string('z', 29));

    public static TheoryData<int, int, int[], bool> Cases() => new()
    {
        // signers, contract pages, signers (by index) with a chosen place on page 1, one with the longest name
        { 1, 1, [], false },
        { 2, 3, [], false },
        { 7, 3, [], true },
        { 2, 1, [0], false },
        { 3, 4, [1], true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task SignersWithoutAPlaceSignOnAddedPagesAndTheContractIsUntouched(int signers, int contractPages, int[] placed, bool longName)
    {
        var original = SamplePdfs.Valid(pageCount: contractPages, title: "Bail rue Oberkampf");
        var document = await Expect.JsonAsync(await api.UploadAsync(original, "Bail rue Oberkampf"), HttpStatusCode.Created);
        var contacts = new List<System.Text.Json.JsonElement>();
        for (var i = 0; i < signers; i++)
            contacts.Add(longName && i == signers - 1
                ? await api.CreateContactAsync(LongName.First, LongName.Last)
                : await api.CreateContactAsync($"Prénom{i + 1}", $"Signataire{i + 1}"));
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "in_person",
            signers = contacts.Select((c, i) => placed.Contains(i)
                ? (object)new { contact_id = c.Str("id"), role = "bailleur", field = new { page = 1, x = 60, y = 60, width = 180, height = 60 } }
                : new { contact_id = c.Str("id"), role = i % 2 == 0 ? "locataire" : "garant" }).ToArray(),
        }), HttpStatusCode.Created);
        var id = draft.Str("id");
        await api.LaunchAsync(id);
        foreach (var (signer, contact) in (await api.ProcedureAsync(id)).Signers().Zip(contacts))
            await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/signers/{signer.Str("id")}/sign-in-person", new
            {
                consent = true, confirmed_name = Name(contact), signature_image = Drawn,
            }), HttpStatusCode.OK);
        await api.WaitForSealedAsync(id);
        var pdf = await (await api.GetAsync($"/api/v1/procedures/{id}/signed-document")).Content.ReadAsByteArrayAsync();

        var path = Path.Combine(Path.GetTempPath(), $"paraphe-sigpage-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try
        {
            var report = await Pdfsig.VerifyAsync(path, Path.Combine(app.DataDirectory, "sealing", "dev-ca.pem"));
            Assert.Contains("Signature is Valid.", report, StringComparison.Ordinal);
            Assert.Contains("Total document signed", report, StringComparison.Ordinal);

            var pages = (await PdfText.PagesAsync(pdf)).Select(Flat).ToList();
            var before = (await PdfText.PagesAsync(original)).Select(Flat).ToList();
            var automatic = contacts.Where((_, i) => !placed.Contains(i)).ToList();
            var signaturePages = SignaturePage.PageCount(automatic.Count);
            var evidenceAt = pages.FindIndex(p => p.StartsWith(EvidencePage.Title, StringComparison.Ordinal));
            Assert.Equal(contractPages + signaturePages, evidenceAt);

            // The contract: each page reads as uploaded; a chosen place adds its caption on page 1 and nothing else.
            for (var n = 0; n < contractPages; n++)
            {
                var images = await ImagesOnPageAsync(path, n + 1);
                if (n == 0 && placed.Length > 0)
                {
                    Assert.Equal(placed.Length, images);
                    foreach (var i in placed) Assert.Contains($"Signé électroniquement par {Name(contacts[i])}", pages[0], StringComparison.Ordinal);
                    Assert.StartsWith(before[0], pages[0], StringComparison.Ordinal);
                }
                else
                {
                    Assert.Equal(before[n], pages[n]);
                    Assert.Equal(0, images);
                }
            }

            // The added pages: every signer without a place, numbered, with role and date, in signing order.
            var added = pages.Skip(contractPages).Take(signaturePages).ToList();
            Assert.All(added, p => Assert.StartsWith(SignaturePage.Title, p, StringComparison.Ordinal));
            Assert.Contains($"le document qui précède ({contractPages} page{(contractPages > 1 ? "s" : "")})", added[0], StringComparison.Ordinal);
            var all = string.Join(' ', added);
            // Numbered as in the signing order (and on the evidence page).
            foreach (var (contact, i) in contacts.Select((c, i) => (c, i)).Where(x => !placed.Contains(x.i)))
                Assert.Contains($"{i + 1}. {Name(contact)}", all, StringComparison.Ordinal);
            foreach (var i in Enumerable.Range(0, signers).Where(i => !placed.Contains(i)))
                Assert.Contains($"Qualité : {(i % 2 == 0 ? "locataire" : "garant")}", all, StringComparison.Ordinal);
            Assert.DoesNotContain("Qualité : bailleur", all, StringComparison.Ordinal);
            Assert.Contains("Signé le ", all, StringComparison.Ordinal);
            var addedImages = 0;
            for (var n = contractPages + 1; n <= contractPages + signaturePages; n++) addedImages += await ImagesOnPageAsync(path, n);
            Assert.Equal(automatic.Count, addedImages);

            var evidence = string.Join(' ', pages.Skip(evidenceAt));
            Assert.Equal(automatic.Count, Regex.Matches(evidence, Regex.Escape($"Emplacement : {EvidencePage.PlaceOnAddedPage}")).Count);
            Assert.Equal(placed.Length, Regex.Matches(evidence, "Emplacement : page 1 du document").Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task TheStatusPageSaysWhereEachSignerSigns()
    {
        const string password = "mot-de-passe-solide-42";
        var email = $"places.{Guid.NewGuid():N}@agence-test.fr";
        var created = await app.DbAsync(db => Paraphe.Web.Features.Agencies.CreateAgency.HandleAsync(db, "Agence Places", email, password, null, CancellationToken.None));
        var agencyApi = new Api(app, created.ApiKey);
        var document = await agencyApi.UploadPdfAsync("Mandat de vente");
        var contacts = new[] { await agencyApi.CreateContactAsync("Inès", "Morel"), await agencyApi.CreateContactAsync("Yanis", "Roux") };
        var draft = await Expect.JsonAsync(await agencyApi.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote",
            signers = new object[]
            {
                new { contact_id = contacts[0].Str("id"), role = "mandant", field = new { page = 2, x = 60, y = 60, width = 180, height = 60 } },
                new { contact_id = contacts[1].Str("id"), role = "mandant" },
            },
        }), HttpStatusCode.Created);
        var agent = new Paraphe.Web.Tests.Abuse.AgentBrowser(app, "203.0.113.77");
        using (var login = await agent.LogInAsync(email, password)) Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        var html = WebUtility.HtmlDecode(await (await agent.GetAsync($"/procedures/{draft.Str("id")}")).Content.ReadAsStringAsync());

        var places = SignaturePlace().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["page 2 du document", EvidencePage.PlaceOnAddedPage], places);
    }

    private static string Name(System.Text.Json.JsonElement contact) => $"{contact.Str("first_name")} {contact.Str("last_name")}";

    /// <summary>The images drawn on page n, by poppler's pdfimages.</summary>
    private static async Task<int> ImagesOnPageAsync(string path, int page)
    {
        var start = new ProcessStartInfo("pdfimages") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-list", "-f", $"{page}", "-l", $"{page}", path }) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("pdfimages did not start (install poppler-utils)");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        // Two header lines, then one line per image; an image's soft mask (smask) is the same drawing.
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).Count(l => !l.Contains(" smask ", StringComparison.Ordinal));
    }

    /// <summary>pdftotext breaks lines where the layout does: compare on single spaces.</summary>
    private static string Flat(string text) => Spaces().Replace(text, " ").Trim();

    [GeneratedRegex("data-testid=\"signature-place\">([^<]*)<")]
    private static partial Regex SignaturePlace();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

[Collection(SqliteCollection.Name)]
public sealed class SignaturePagesOnSqlite(SqliteApp app) : SignaturePages(app);

[Collection(PostgresCollection.Name)]
public sealed class SignaturePagesOnPostgres(PostgresApp app) : SignaturePages(app);
