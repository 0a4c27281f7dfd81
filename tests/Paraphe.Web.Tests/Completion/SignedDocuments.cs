using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Platform;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;
using Paraphe.Web.Tests.Sealing;

namespace Paraphe.Web.Tests.Completion;

/// <summary>
/// From the last signature to the signed document: stamped, evidence page, PAdES seal accepted by pdfsig, the
/// completion emails with their download links, the audit trail's check of the sealed hash.
/// </summary>
public abstract partial class SignedDocuments(ParapheApp app)
{
    private readonly Api api = app.Api();
    private static readonly string Drawn = "data:image/png;base64," + Convert.ToBase64String(SamplePdfs.NotAPdf());

    private string DevCa => Path.Combine(app.DataDirectory, "sealing", "dev-ca.pem");

    [Fact]
    public async Task ARemoteProcedureSignedWithCodesComesOutStampedWithItsEvidenceAndASealPdfsigAccepts()
    {
        var document = await api.UploadPdfAsync("Compromis rue des Lilas");
        var contacts = new[] { await api.CreateContactAsync("Jeanne", "Durand"), await api.CreateContactAsync("Marc", "Lefèvre") };
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", otp = true,
            signers = new object[]
            {
                new { contact_id = contacts[0].Str("id"), role = "vendeur", field = new { page = 1, x = 60, y = 120, width = 180, height = 60 } },
                new { contact_id = contacts[1].Str("id"), role = "acquéreur" },
            },
        }), HttpStatusCode.Created);
        var id = draft.Str("id");
        await api.LaunchAsync(id);
        await Expect.ProblemAsync(await api.GetAsync($"/api/v1/procedures/{id}/signed-document"), HttpStatusCode.Conflict, "not_sealed");

        for (var i = 0; i < 2; i++)
        {
            var token = await api.SigningTokenAsync(contacts[i].Str("email"));
            await Expect.JsonAsync(await app.Anonymous().PostAsync($"/api/v1/signing/{token}/otp", null), HttpStatusCode.Accepted);
            var sms = (await api.WaitForOutboxAsync(contacts[i].Str("mobile"), 2))[0].Str("body");
            var code = Digits().Match(sms).Value;
            await Expect.JsonAsync(await app.Anonymous().PostAsync($"/api/v1/signing/{token}/sign", JsonContent.Create(
                new { consent = true, otp = code, signature_image = i == 0 ? Drawn : null, typed_name = i == 1 ? "Marc Lefèvre" : null })),
                HttpStatusCode.OK);
        }

        var sealedProcedure = await api.WaitForSealedAsync(id);
        Assert.Equal("completed", sealedProcedure.Str("status"));
        var response = await api.GetAsync($"/api/v1/procedures/{id}/signed-document");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var pdf = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(sealedProcedure.Str("sealed_sha256"), Convert.ToHexStringLower(SHA256.HashData(pdf)));

        var report = await VerifyAsync(pdf);
        Assert.Contains("Signature is Valid.", report, StringComparison.Ordinal);
        Assert.Contains("ETSI.CAdES.detached", report, StringComparison.Ordinal);
        Assert.Contains("Certificate is Trusted.", report, StringComparison.Ordinal);

        var pages = await PdfText.PagesAsync(pdf);
        Assert.Contains("Signé électroniquement par Jeanne Durand", Flat(pages[0]), StringComparison.Ordinal); // its box on page 1
        Assert.Contains(pages, p => Flat(p).Contains("Signé électroniquement par Marc Lefèvre", StringComparison.Ordinal));
        var evidence = Evidence(pages);
        Assert.Contains("Certificat de preuve", evidence, StringComparison.Ordinal);
        // The chronology words each event of the trail, a signer's by their name.
        Assert.Contains("Chronologie", evidence, StringComparison.Ordinal);
        Assert.Contains("Lancement : empreinte du document et coordonnées des signataires figées", evidence, StringComparison.Ordinal);
        Assert.Contains("Code de signature vérifié (Marc Lefèvre)", evidence, StringComparison.Ordinal);
        Assert.Contains("Signature du document (Jeanne Durand)", evidence, StringComparison.Ordinal);
        Assert.Contains("Toutes les signatures sont recueillies", evidence, StringComparison.Ordinal);
        Assert.Contains("Jeanne Durand", evidence, StringComparison.Ordinal);
        Assert.Contains("Marc Lefèvre", evidence, StringComparison.Ordinal);
        Assert.Contains("à distance avec code SMS", evidence, StringComparison.Ordinal);
        Assert.Contains(sealedProcedure.Str("document_sha256"), evidence, StringComparison.Ordinal);
        Assert.DoesNotContain(contacts[0].Str("email"), evidence, StringComparison.Ordinal);

        var audit = await api.AuditAsync(id);
        Assert.True(audit.GetProperty("valid").GetBoolean());
        var seal = audit.Arr("events").Single(e => e.Str("type") == "procedure.sealed");
        Assert.Equal(sealedProcedure.Str("sealed_sha256"), seal.GetProperty("data").Str("sha256"));
        Assert.True(audit.GetProperty("sealed_document").GetProperty("valid").GetBoolean());

        // Every signer and the agent get the signed document by a download link, tracked like any message.
        foreach (var contact in contacts)
        {
            var mail = (await api.WaitForOutboxAsync(contact.Str("email"), 2))[0];
            Assert.Equal("Document signé : « Compromis rue des Lilas »", mail.Str("subject"));
            var attached = Assert.Single(mail.Arr("attachments")); // small: attached as well as linked
            Assert.Equal(("Compromis rue des Lilas - signé.pdf", pdf.LongLength), (attached.Str("name"), attached.GetProperty("size").GetInt64()));
            var link = mail.Arr("links").Select(l => l.GetString()!).Single(l => l.Contains("/telechargement/", StringComparison.Ordinal));
            var downloaded = await app.Anonymous().GetAsync(new Uri(link).PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, downloaded.StatusCode);
            Assert.Equal(pdf, await downloaded.Content.ReadAsByteArrayAsync());
        }
        var agent = await api.ProcedureAsync(id);
        // Created with an API key: no agent, so each director of the agency gets the completion alert with the document.
        Assert.Contains(agent.Arr("notifications"), n => n.Str("purpose") == "completion" && n.Str("to") == "directeur@agence-demo.fr");
        var downloads = (await api.AuditAsync(id)).Arr("events").Where(e => e.Str("type") == "document.downloaded").ToList();
        Assert.Equal(2, downloads.Count);
    }

    [Fact]
    public async Task AFaceToFaceProcedureIsSealedWithItsSignaturesMadeInPerson()
    {
        var (id, contacts) = await api.CompletedInPersonAsync(Drawn);

        await api.WaitForSealedAsync(id);
        var pdf = await (await api.GetAsync($"/api/v1/procedures/{id}/signed-document")).Content.ReadAsByteArrayAsync();
        var report = await VerifyAsync(pdf);
        Assert.Contains("Signature is Valid.", report, StringComparison.Ordinal);
        var pages = (await PdfText.PagesAsync(pdf)).Select(Flat).ToList();
        foreach (var contact in contacts)
            Assert.Contains(pages, p => p.Contains($"Signé électroniquement par {contact.Str("first_name")} {contact.Str("last_name")}", StringComparison.Ordinal));
        Assert.Contains("en personne", Evidence(pages), StringComparison.Ordinal);
        Assert.All(contacts, c => Assert.Contains(c.Str("first_name"), Evidence(pages), StringComparison.Ordinal));
    }

    [Fact]
    public async Task AManualProcedureSealsTheScannedCopyWithItsEvidence()
    {
        var (procedure, _) = await api.LaunchedAsync("manual", signers: 1);
        var id = procedure.Str("id");
        var scan = SamplePdfs.Valid(pageCount: 3, title: "Exemplaire signé scanné");
        using var form = new MultipartFormDataContent { { new ByteArrayContent(scan), "file", "scan.pdf" } };
        form.Last().Headers.ContentType = new("application/pdf");
        Assert.Equal(HttpStatusCode.OK, (await api.Http.PostAsync($"/api/v1/procedures/{id}/mark-signed", form)).StatusCode);

        await api.WaitForSealedAsync(id);
        var pdf = await (await api.GetAsync($"/api/v1/procedures/{id}/signed-document")).Content.ReadAsByteArrayAsync();
        Assert.Contains("Signature is Valid.", await VerifyAsync(pdf), StringComparison.Ordinal);
        var pages = (await PdfText.PagesAsync(pdf)).Select(Flat).ToList();
        Assert.Equal(4, pages.Count); // the three scanned pages and the evidence
        Assert.Contains("Exemplaire signé scanné", pages[0], StringComparison.Ordinal);
        Assert.Contains("sur papier", pages[^1], StringComparison.Ordinal);
        Assert.Contains("Signature sur papier constatée par l'agence", pages[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReplacedSignedDocumentBreaksTheAuditVerification()
    {
        var id = await SealedInPersonAsync();
        await app.DbAsync(async db =>
        {
            // The stored object altered in place (its row still names it with the hash of the sealed document).
            var stored = await db.SealedDocuments.IgnoreQueryFilters().FirstAsync(d => d.ProcedureId == id);
            var bytes = await app.Files.ReadAllAsync(stored, default);
            bytes[bytes.Length / 2] ^= 0x01;
            await app.Files.PutAsync(stored.StorageKey!, bytes, default);
        });

        var audit = await api.AuditAsync(id);
        Assert.False(audit.GetProperty("valid").GetBoolean());
        var seal = audit.Arr("events").Single(e => e.Str("type") == "procedure.sealed");
        Assert.Equal(seal.GetProperty("seq").GetInt32(), audit.GetProperty("broken_at").GetInt32());
        Assert.False(audit.GetProperty("sealed_document").GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ADownloadLinkWithAWrongKeyIsNotFoundAndOneOlderThanThirtyDaysHasExpired()
    {
        var id = await SealedInPersonAsync();
        var completion = Assert.Single((await api.ProcedureAsync(id)).Arr("notifications"), n => n.Str("purpose") == "completion");
        var path = await DownloadPathAsync(completion);

        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync(path)).StatusCode);
        var forged = path[..^4] + (path[^4..] == "AAAA" ? "BBBB" : "AAAA");
        Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous().GetAsync(forged)).StatusCode);

        app.Clock.Advance(TimeSpan.FromDays(31));
        var expired = await app.Anonymous().GetAsync(path);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("Lien expiré", WebUtility.HtmlDecode(await expired.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheNotaryGetsASecureLinkToTheSignedDocumentAfterTheSameChecksAsAContact()
    {
        var (ongoing, _) = await api.LaunchedAsync("in_person", signers: 1);
        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{ongoing.Str("id")}/send-to-notary",
            new { email = "etude.martin@notaires.fr" }), HttpStatusCode.Conflict, "invalid_transition");

        var id = await SealedInPersonAsync();
        var typo = await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{id}/send-to-notary", new { email = "etude.martin@gmial.com" }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal("email_suspected_typo", typo.Str("check_code"));
        Assert.Equal("etude.martin@gmail.com", typo.Str("suggestion"));
        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{id}/send-to-notary", new { email = "pas une adresse" }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");

        var notary = $"etude.{Guid.NewGuid():N}"[..18] + "@notaires.fr";
        var sent = await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/send-to-notary", new { email = notary }), HttpStatusCode.Accepted);
        var message = Assert.Single(sent.Arr("notifications"), n => n.Str("purpose") == "notary");
        Assert.Equal((notary, "email"), (message.Str("to"), message.Str("channel")));

        var mail = (await api.WaitForOutboxAsync(notary))[0];
        Assert.Contains("vous transmet", mail.Str("subject"), StringComparison.Ordinal);
        var download = await app.Anonymous().GetAsync(await DownloadPathAsync(message));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Contains("Signature is Valid.", await VerifyAsync(await download.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);

        // Tracked and diagnosed like every message: a bounce says the address does not exist and what to do.
        var simulated = await api.PostAsync($"/api/v1/dev/outbox/{mail.Str("id")}/events", new { @event = "bounced" });
        Assert.True(simulated.IsSuccessStatusCode, await simulated.Content.ReadAsStringAsync());
        var bounced = Assert.Single((await api.ProcedureAsync(id)).Arr("notifications"), n => n.Str("purpose") == "notary");
        Assert.Equal("failed", bounced.Str("status"));
        Assert.Equal(("email_hard_bounce", "error"), (bounced.GetProperty("diagnosis").Str("code"), bounced.GetProperty("diagnosis").Str("severity")));

        var audit = await api.AuditAsync(id);
        Assert.True(audit.GetProperty("valid").GetBoolean());
        var events = audit.Arr("events");
        Assert.Equal(notary, events.Single(e => e.Str("type") == "procedure.sent_to_notary").GetProperty("data").Str("email"));
        Assert.Contains(events, e => e.Str("type") == "document.downloaded" && e.GetProperty("data").Str("to") == notary);
    }

    [Fact]
    public async Task VerifySaysIntactForTheSealedDocumentAndModifiedWhenOneByteChangedAsPdfsigDoes()
    {
        var id = await SealedInPersonAsync();
        var pdf = await (await api.GetAsync($"/api/v1/procedures/{id}/signed-document")).Content.ReadAsByteArrayAsync();

        var intact = await VerifyApiAsync(pdf);
        Assert.Equal("intact", intact.Str("result"));
        Assert.Equal(id, intact.GetProperty("procedure").Str("id"));
        Assert.Equal(2, intact.GetProperty("procedure").Arr("signers").Length);
        Assert.All(intact.GetProperty("procedure").Arr("signers"), s => Assert.Equal("en personne", s.Str("method")));

        var tampered = (byte[])pdf.Clone();
        var at = tampered.AsSpan().IndexOf("Page 1 / "u8);
        Assert.True(at > 0, "the page text is in a content stream");
        tampered[at + 5] = (byte)'7';
        var modified = await VerifyApiAsync(tampered);
        Assert.Equal("modified", modified.Str("result"));
        Assert.Equal(id, modified.GetProperty("procedure").Str("id")); // which procedure it came from
        Assert.Contains("empreinte", modified.Str("detail"), StringComparison.Ordinal);
        var report = await VerifyAsync(tampered);
        Assert.DoesNotContain("Signature is Valid.", report, StringComparison.Ordinal);
        Assert.Contains("Digest Mismatch", report, StringComparison.Ordinal);

        // An incremental update appended after the seal: the signed bytes are intact, the file is not.
        var appended = await VerifyApiAsync([.. pdf, .. "\n% ajout apres scellement\n"u8.ToArray()]);
        Assert.Equal("modified", appended.Str("result"));
        Assert.Contains("après son scellement", appended.Str("detail"), StringComparison.Ordinal);

        Assert.Equal("not_sealed", (await VerifyApiAsync(SamplePdfs.Valid(2))).Str("result"));
        // Another install's development seal has the same names but another authority: not ours.
        var elsewhere = Directory.CreateTempSubdirectory("paraphe-other-install-").FullName;
        using (var other = new SealCertificates(Options.Create(new ParapheOptions { DataDirectory = elsewhere }),
                   Options.Create(new SealingOptions()), TimeProvider.System, NullLogger<SealCertificates>.Instance))
        {
            var foreign = await new PdfSealer(other, Options.Create(new SealingOptions()), new LocalTimestampAuthority())
                .SealAsync(SamplePdfs.Valid(2));
            Assert.Equal("other_seal", (await VerifyApiAsync(foreign)).Str("result"));
        }
        Directory.Delete(elsewhere, recursive: true);
        using var notAPdf = new MultipartFormDataContent { { new ByteArrayContent(SamplePdfs.NotAPdf()), "file", "x.pdf" } };
        await Expect.ProblemAsync(await app.Anonymous().PostAsync("/api/v1/verify", notAPdf), HttpStatusCode.UnprocessableEntity, "invalid_document");
    }

    [Fact]
    public async Task SimultaneousDownloadsAllGetTheDocumentAndAreAuditedOncePerAddress()
    {
        var id = await SealedInPersonAsync();
        var completion = Assert.Single((await api.ProcedureAsync(id)).Arr("notifications"), n => n.Str("purpose") == "completion");
        var path = await DownloadPathAsync(completion);

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => app.Anonymous().GetAsync(path)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var audit = await api.AuditAsync(id);
        Assert.True(audit.GetProperty("valid").GetBoolean());
        Assert.Single(audit.Arr("events"), e => e.Str("type") == "document.downloaded");
    }

    /// <summary>`POST /api/v1/verify`, without any key: verifying is public.</summary>
    private async Task<JsonElement> VerifyApiAsync(byte[] pdf)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(pdf), "file", "contrat.pdf" } };
        form.First().Headers.ContentType = new("application/pdf");
        return await Expect.JsonAsync(await app.Anonymous().PostAsync("/api/v1/verify", form), HttpStatusCode.OK);
    }

    /// <summary>The download link the captured message <paramref name="notification"/> carried.</summary>
    private async Task<string> DownloadPathAsync(JsonElement notification)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            var link = (await api.OutboxAsync(notification.Str("to"))).SelectMany(m => m.Arr("links")).Select(l => l.GetString()!)
                .FirstOrDefault(l => l.Contains($"/telechargement/{notification.Str("id")}/", StringComparison.Ordinal));
            if (link is not null) return new Uri(link).AbsolutePath;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"No message carried the download link of {notification}.");
    }

    /// <summary>A two-signer face-to-face procedure, signed and sealed.</summary>
    private async Task<string> SealedInPersonAsync()
    {
        var (id, _) = await api.CompletedInPersonAsync();
        await api.WaitForSealedAsync(id);
        return id;
    }

    private async Task<string> VerifyAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"paraphe-signed-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try { return await Pdfsig.VerifyAsync(path, DevCa); }
        finally { File.Delete(path); }
    }

    /// <summary>pdftotext breaks lines where the layout does: compare on single spaces.</summary>
    private static string Flat(string text) => Spaces().Replace(text, " ");

    /// <summary>The evidence pages' text, from the certificate's first page to the end (its chronology may go on a next page).</summary>
    private static string Evidence(IReadOnlyList<string> pages) =>
        Flat(string.Join(' ', pages.SkipWhile(p => !p.Contains(EvidencePage.Title, StringComparison.Ordinal))));

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex Digits();
}

[Collection(SqliteCollection.Name)]
public sealed class SignedDocumentsOnSqlite(SqliteApp app) : SignedDocuments(app);

[Collection(PostgresCollection.Name)]
public sealed class SignedDocumentsOnPostgres(PostgresApp app) : SignedDocuments(app);
