using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Audit;
using Paraphe.Web.Features.Completion;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Audit;

/// <summary>
/// Real audit chains, made by driving whole procedures through the API: every mode, codes (wrong, right, locked),
/// reminders (by hand and automatic), delivery reports, decline, cancel, correct and relaunch, expiry, sealing failed
/// and retried, the notary, a download. Asserts the chains cover every kind of the audit catalogue; with
/// `PARAPHE_WRITE_AUDIT_FIXTURES` set to a directory, writes them there as `audit-chains.{database}.json`, the stored
/// fixtures that <c>Paraphe.Domain.Tests.Audit.StoredChains</c> re-hashes. The committed `audit-chains.{database}.json`
/// were made by the code before the typed catalogue: never overwrite them (that would hide a changed serialisation);
/// to cover a new kind, add the new output next to them under another name (`audit-chains.{database}.{yyyymmdd}.json`).
/// </summary>
public abstract class AuditChainScenarios(AuditFixtureApp app)
{
    public const string OutputVariable = "PARAPHE_WRITE_AUDIT_FIXTURES";

    private readonly Api api = app.Api();
    private SealingWorker Sealing => app.Services.GetRequiredService<SealingWorker>();

    /// <summary>Kinds of the catalogue no scenario writes yet (say why); every other kind must be written below.</summary>
    // signer.invited: written only by sequential procedures, driven end to end by Procedures/SequentialSigning.
    public static readonly AuditKind[] NotInScenarios = [AuditKind.SignerInvited];

    [Fact]
    public async Task WholeProceduresWriteEveryEventTypeOnValidChains()
    {
        var scenarios = new List<(string Name, string Id)>();
        scenarios.Add(("remote_otp_two_signers_sealed_notary_download", await RemoteWithCodesAsync()));
        var (declined, relaunched) = await DeclinedThenRelaunchedAsync();
        scenarios.Add(("remote_declined", declined));
        scenarios.Add(("remote_relaunch_of_declined", relaunched));
        scenarios.Add(("remote_cancelled", await CancelledAsync()));
        scenarios.Add(("remote_otp_locked_then_corrected_and_relaunched", await LockedAsync()));
        scenarios.Add(("in_person_otp_sealed", await InPersonWithCodeAsync()));
        scenarios.Add(("in_person_sealing_failed_then_retried", await SealingFailedThenRetriedAsync()));
        scenarios.Add(("manual_marked_signed_with_scan", await ManualAsync(withScan: true)));
        scenarios.Add(("manual_marked_signed", await ManualAsync(withScan: false)));
        scenarios.Add(("draft_with_user_signer", await DraftWithUserAsync()));
        // Last: it moves the clock by days.
        scenarios.Add(("remote_automatic_reminder_then_expired", await RemindedThenExpiredAsync()));

        var chains = new List<object>();
        var seen = new HashSet<string>();
        foreach (var (name, id) in scenarios)
        {
            var audit = await api.AuditAsync(id);
            Assert.True(audit.GetProperty("valid").GetBoolean(), $"{name}: {audit}");
            var events = await app.DbAsync(db => db.AuditEvents.IgnoreQueryFilters().AsNoTracking()
                .Where(e => e.ProcedureId == id).OrderBy(e => e.Seq).ToListAsync());
            foreach (var e in events) seen.Add(e.Type);
            chains.Add(new
            {
                scenario = name, procedure_id = id,
                events = events.Select(e => new
                {
                    seq = e.Seq, at = e.At.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
                    type = e.Type, actor = e.Actor, data = e.Data, prev_hash = e.PrevHash, hash = e.Hash,
                }).ToList(),
            });
        }
        var types = AuditCatalogue.Kinds.Except(NotInScenarios).Select(AuditCatalogue.TypeOf).ToList();
        Assert.Empty(types.Except(seen));
        Assert.All(seen, t => Assert.True(AuditCatalogue.KindOf(t) is not null, $"{t} is not in the audit catalogue"));

        if (Environment.GetEnvironmentVariable(OutputVariable) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            await File.WriteAllTextAsync(Path.Combine(directory, $"audit-chains.{app.DatabaseName}.json"),
                JsonSerializer.Serialize(new { database = app.DatabaseName, chains }, new JsonSerializerOptions
                {
                    WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                }) + "\n");
        }
    }

    private async Task<string> RemoteWithCodesAsync()
    {
        var document = await api.UploadPdfAsync("Compromis « Les Tilleuls » & annexes");
        var first = await api.CreateContactAsync("Jeanne", "Lefèvre-D'Arcy");
        var second = await api.CreateContactAsync("Marc", "Nguyễn");
        var third = await api.CreateContactAsync("Inès", "Moreau");
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", otp = false,
            signers = new object[]
            {
                new { contact_id = first.Str("id"), role = "vendeur", field = new { page = 1, x = 50.5, y = 600.25, width = 180, height = 60 } },
                new { contact_id = second.Str("id"), role = "acquéreur" },
            },
        }), HttpStatusCode.Created);
        var id = draft.Str("id");
        await Expect.JsonAsync(await api.PatchAsync($"/api/v1/procedures/{id}", new
        {
            otp = true, expires_in_days = 45, reminders = new { interval_days = 3, max = 2 },
        }), HttpStatusCode.OK);
        var added = await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/signers", new { contact_id = third.Str("id") }),
            HttpStatusCode.Created);
        var thirdSigner = added.Signers().Single(s => s.Str("contact_id") == third.Str("id")).Str("id");
        await Expect.JsonAsync(await api.DeleteAsync($"/api/v1/procedures/{id}/signers/{thirdSigner}"), HttpStatusCode.OK);
        await api.LaunchAsync(id);

        // Delivery reports: delivered, deferred then delivered, and the manual reminder.
        var firstMail = (await api.WaitForOutboxAsync(first.Str("email")))[0];
        await Simulate(firstMail.Str("id"), "delivered");
        var secondMail = (await api.WaitForOutboxAsync(second.Str("email")))[0];
        await Simulate(secondMail.Str("id"), "deferred");
        await Simulate(secondMail.Str("id"), "delivered");
        var signers = (await api.ProcedureAsync(id)).Signers();
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/signers/{signers[1].Str("id")}/remind"), HttpStatusCode.Accepted);

        foreach (var (contact, index) in new[] { (first, 0), (second, 1) })
        {
            var token = await api.SigningTokenAsync(contact.Str("email"));
            var signer = Signer("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 \"Safari\" <é>");
            await Expect.JsonAsync(await signer.GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.OK);
            await Expect.JsonAsync(await signer.PostAsync($"/api/v1/signing/{token}/otp", null), HttpStatusCode.Accepted);
            var code = await api.NewestCodeAsync(id, index);
            if (index == 0)
                await Expect.ProblemAsync(await signer.PostAsync($"/api/v1/signing/{token}/sign",
                    System.Net.Http.Json.JsonContent.Create(new { consent = true, otp = Wrong(code), typed_name = contact.Str("last_name") })),
                    HttpStatusCode.UnprocessableEntity, "otp_invalid");
            await Expect.JsonAsync(await signer.PostAsync($"/api/v1/signing/{token}/sign",
                System.Net.Http.Json.JsonContent.Create(new { consent = true, otp = code, typed_name = contact.Str("last_name") })), HttpStatusCode.OK);
        }
        await SealAsync(id);

        var mail = (await api.WaitForOutboxAsync(first.Str("email"), 2)).First(m => m.Arr("links").Any(l => l.GetString()!.Contains("/telechargement/", StringComparison.Ordinal)));
        var link = mail.Arr("links").Select(l => l.GetString()!).Single(l => l.Contains("/telechargement/", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync(new Uri(link).PathAndQuery)).StatusCode);
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/send-to-notary", new { email = "office.martin@notaires.fr" }),
            HttpStatusCode.Accepted);
        await api.WaitForOutboxAsync("office.martin@notaires.fr");
        return id;
    }

    private async Task<(string Declined, string Relaunched)> DeclinedThenRelaunchedAsync()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var id = procedure.Str("id");
        var sms = (await api.WaitForOutboxAsync(contacts[0].Str("mobile")))[0];
        await Simulate(sms.Str("id"), "unknown_number");
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        var signer = Signer("curl/8.5.0");
        await Expect.JsonAsync(await signer.GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.OK);
        await Expect.JsonAsync(await signer.PostAsync($"/api/v1/signing/{token}/decline",
            System.Net.Http.Json.JsonContent.Create(new { reason = "Le prix n'est pas « celui convenu » : 250 000 € & \"frais\" <inclus>\nÀ revoir." })),
            HttpStatusCode.OK);
        var relaunched = await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/relaunch", new { launch = false }), HttpStatusCode.Created);
        return (id, relaunched.Str("id"));
    }

    private async Task<string> CancelledAsync()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 2);
        var id = procedure.Str("id");
        var mail = (await api.WaitForOutboxAsync(contacts[0].Str("email")))[0];
        await Simulate(mail.Str("id"), "bounced");
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/cancel", new { reason = "Vente annulée par le vendeur" }),
            HttpStatusCode.OK);
        return id;
    }

    private async Task<string> LockedAsync()
    {
        var document = await api.UploadPdfAsync();
        var contact = await api.CreateContactAsync("Paul", "Bernard");
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", otp = true, signers = new[] { new { contact_id = contact.Str("id") } },
        }), HttpStatusCode.Created);
        var id = draft.Str("id");
        await api.LaunchAsync(id);
        var token = await api.SigningTokenAsync(contact.Str("email"));
        var signer = Signer("Mozilla/5.0 (Linux; Android 14)");
        for (var round = 0; round < 3; round++)
        {
            await Expect.JsonAsync(await signer.PostAsync($"/api/v1/signing/{token}/otp", null), HttpStatusCode.Accepted);
            var code = await api.NewestCodeAsync(id);
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var answer = await signer.PostAsync($"/api/v1/signing/{token}/sign",
                    System.Net.Http.Json.JsonContent.Create(new { consent = true, otp = Wrong(code), typed_name = "Bernard" }));
                Assert.False(answer.IsSuccessStatusCode);
            }
        }
        var audit = await api.AuditAsync(id);
        Assert.Contains(audit.Arr("events"), e => e.Str("type") == "signer.otp_locked");
        var corrected = await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/relaunch", new
        {
            launch = true, reason = "Identité vérifiée par téléphone",
        }), HttpStatusCode.Created);
        Assert.Equal("ongoing", corrected.Str("status"));
        return id;
    }

    private async Task<string> InPersonWithCodeAsync()
    {
        var document = await api.UploadPdfAsync();
        var contact = await api.CreateContactAsync("Léa", "Roux");
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "in_person", otp = true,
            signers = new[] { new { contact_id = contact.Str("id"), role = "bailleur" } },
        }), HttpStatusCode.Created);
        var id = draft.Str("id");
        var launched = await api.LaunchAsync(id);
        var signerId = launched.Signers()[0].Str("id");
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/in-person"), HttpStatusCode.OK);
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/signers/{signerId}/otp"), HttpStatusCode.Accepted);
        var code = await api.NewestCodeAsync(id);
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/signers/{signerId}/sign-in-person", new
        {
            consent = true, confirmed_name = "Léa Roux", otp = code, signature_image = Abuse.Pngs.DataUrl(Abuse.Pngs.Drawing()),
        }), HttpStatusCode.OK);
        await SealAsync(id);
        return id;
    }

    private async Task<string> SealingFailedThenRetriedAsync()
    {
        var (id, _) = await api.CompletedInPersonAsync(Abuse.Pngs.DataUrl(Abuse.Pngs.Drawing()));
        var image = await app.DbAsync(db => db.Signers.IgnoreQueryFilters().Where(s => s.ProcedureId == id).Select(s => s.SignatureImage).FirstAsync());
        await app.DbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE signers SET \"SignatureImage\" = {Abuse.Pngs.DataUrl(Abuse.Pngs.Huge(10_000, 10_000))} WHERE \"ProcedureId\" = {id}"));
        // …stored before the checks, so without the form prepared at signing (issue 12): the sealer decodes that PNG.
        await app.DbAsync(db => db.SignatureForms.IgnoreQueryFilters().Where(f => f.ProcedureId == id).ExecuteDeleteAsync());
        await Sealing.SealDueAsync(CancellationToken.None);
        Assert.Equal("failed", (await api.ProcedureAsync(id)).GetProperty("sealing").Str("status"));
        await app.DbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE signers SET \"SignatureImage\" = {image} WHERE \"ProcedureId\" = {id}"));
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/sealing/retry"), HttpStatusCode.Accepted);
        await SealAsync(id);
        return id;
    }

    private async Task<string> ManualAsync(bool withScan)
    {
        var (procedure, _) = await api.LaunchedAsync("manual", signers: 2);
        var id = procedure.Str("id");
        HttpContent? body = null;
        if (withScan)
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(Testing.SamplePdfs.Valid(2, "Scan signé"));
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
            form.Add(file, "file", "scan.pdf");
            body = form;
        }
        await Expect.JsonAsync(await api.Http.PostAsync($"/api/v1/procedures/{id}/mark-signed", body), HttpStatusCode.OK);
        await SealAsync(id);
        return id;
    }

    private async Task<string> DraftWithUserAsync()
    {
        var agency = await app.DemoAgencyIdAsync();
        var user = await app.CreateUserAsync(agency, UserRole.Director);
        var document = await api.UploadPdfAsync();
        var contact = await api.CreateContactAsync("Zoé", "Petit");
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "in_person",
            signers = new object[] { new { contact_id = contact.Str("id"), role = "acquéreur" }, new { user_id = user, role = "mandataire" } },
        }), HttpStatusCode.Created);
        var other = await api.UploadPdfAsync("Mandat de vente");
        await Expect.JsonAsync(await api.PatchAsync($"/api/v1/procedures/{draft.Str("id")}", new { document_id = other.Str("id"), mode = "manual" }),
            HttpStatusCode.OK);
        return draft.Str("id");
    }

    private async Task<string> RemindedThenExpiredAsync()
    {
        var document = await api.UploadPdfAsync();
        var contact = await api.CreateContactAsync("Hugo", "Faure");
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", expires_in_days = 3, reminders = new { interval_days = 2, max = 1 },
            signers = new[] { new { contact_id = contact.Str("id") } },
        }), HttpStatusCode.Created);
        var id = draft.Str("id");
        await api.LaunchAsync(id);
        await api.WaitForOutboxAsync(contact.Str("email"));
        app.Clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        await app.Services.GetRequiredService<ReminderSweep>().SweepAsync(CancellationToken.None);
        await api.WaitForOutboxAsync(contact.Str("email"), 2);
        // Within the last half of its 3 days: the agent is warned (procedure.expiring_soon, alert.raised), whether the
        // background sweep's tick came first or not.
        await app.Services.GetRequiredService<ExpirySweep>().WarnAsync(CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromDays(1));
        await app.Services.GetRequiredService<ExpirySweep>().SweepAsync(CancellationToken.None);
        Assert.Equal("expired", (await api.ProcedureAsync(id)).Str("status"));
        return id;
    }

    private async Task SealAsync(string id)
    {
        await Sealing.SealDueAsync(CancellationToken.None);
        await api.WaitForSealedAsync(id);
    }

    private async Task Simulate(string messageId, string evt) =>
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/dev/outbox/{messageId}/events", new { @event = evt }), HttpStatusCode.OK);

    private HttpClient Signer(string userAgent)
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);
        return client;
    }

    private static string Wrong(string code) => code == "000000" ? "111111" : "000000";
}

/// <summary>The app for the scenarios: the sealing worker is driven by the test, and gives up after one failed attempt.</summary>
public abstract class AuditFixtureApp : ParapheApp
{
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Paraphe:Sealing:Worker:Enabled", "false");
        builder.UseSetting("Paraphe:Sealing:Worker:MaxAttempts", "1");
    }
}

public sealed class SqliteAuditFixtureApp : AuditFixtureApp
{
    public override string DatabaseName => "sqlite";
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
}

public sealed class PostgresAuditFixtureApp : AuditFixtureApp
{
    public override string DatabaseName => "postgres";

    protected override async Task<string?> CreateDatabaseAsync()
    {
        var cluster = await Testing.PostgresCluster.SharedAsync();
        return await cluster.CreateUniqueDatabaseAsync("audit");
    }
}

public sealed class SqliteAuditChainScenarios(SqliteAuditFixtureApp app) : AuditChainScenarios(app), IClassFixture<SqliteAuditFixtureApp>;

public sealed class PostgresAuditChainScenarios(PostgresAuditFixtureApp app) : AuditChainScenarios(app), IClassFixture<PostgresAuditFixtureApp>;
