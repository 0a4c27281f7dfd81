using System.Net;
using System.Reflection;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>
/// « Relancer », « Copier en brouillon » and « Corriger et relancer » over every combination the model allows: mode × code
/// by SMS × places chosen or automatic × contact and agency-user signers × each status a relaunch starts from × launched
/// at once or kept as a draft × with or without corrections. The new procedure must carry every part of the old one,
/// checked by reflection over the public properties of <see cref="Procedure"/> and <see cref="Signer"/>, so that a
/// property added later and forgotten by the relaunch fails here.
/// </summary>
public abstract class ProcedureRelaunchCopiesEverything(ParapheApp app)
{
    private readonly Api api = app.Api();

    /// <summary>Where a procedure stands in its life or who it is: never carried over by a relaunch.</summary>
    private static readonly HashSet<string> ProcedureState =
    [
        "Id", "Version", "Status", "IsDraft", "IsFinished", "PendingEvents",
        "CreatedBy", // whoever relaunches creates the new one (the procedure's agent is a setting, and is compared)
        "CreatedAt", "LaunchedAt", "ExpiresAt", "CompletedAt", "CancelledAt", "CancelReason", "DeclinedAt", "ExpiredAt",
        "DocumentSha256", // frozen at launch: null on a draft; checked apart on a launched relaunch
        "ScannedDocumentId", "SealedSha256", "SealedAt", "AwaitsSeal", "IsSealed", // what the end of the old one produced
        "Replaces", "ReplacedBy", // the link between old and new, checked apart
        "Signers", // compared signer by signer below
        "ExpiryWarnedAt", // the agent's expiry alert of the old one
        "IsSequential", "CurrentSigner", // derived from SigningOrder (compared) and the signers' state
    ];

    /// <summary>A signer's state in the old procedure: a new signer starts afresh.</summary>
    private static readonly HashSet<string> SignerState =
    [
        "Id", "ProcedureId", "Status", "TokenHash", "InvitedAt", "OpenedAt", "SignedAt", "DeclinedAt", "DeclineReason",
        "SignatureImage", "TypedName", "SignedIp", "SignedUserAgent", "SignedInPerson", "RemindersSent", "LastReminderAt",
        "AutoRemindersSent", "OtpLockedAt", "Codes", "LatestCode", "OtpSends", "OtpWrongEntries", "NextManualReminderAt",
    ];

    /// <summary>Properties that are the same for every procedure of the test: no variety is asked of them.</summary>
    private static readonly HashSet<string> SameForAll = ["AgencyId"];

    private enum From { Ongoing, Cancelled, CancelledDraft, Declined, Expired }

    private sealed record Combination(string Mode, bool Otp, From From, bool Launch, bool Correct, int Index)
    {
        public override string ToString() =>
            $"{Mode}{(Otp ? "+otp" : "")} from {From}, {(Launch ? "launched" : "as a draft")}{(Correct ? ", corrected" : "")} (#{Index})";
    }

    private sealed class Case(Combination c)
    {
        public Combination C { get; } = c;
        public string Id { get; set; } = "";
        public JsonElement[] Contacts { get; set; } = [];
        public string? CorrectedEmail { get; set; }
        public string? CorrectedMobile { get; set; }
    }

    private static IEnumerable<Combination> Combinations()
    {
        var i = 0;
        foreach (var mode in new[] { "remote", "in_person", "manual" })
        foreach (var otp in new[] { false, true })
        foreach (var from in Enum.GetValues<From>())
        foreach (var launch in new[] { false, true })
        foreach (var correct in new[] { false, true })
        {
            if (mode == "manual" && from == From.Declined) continue; // signed on paper: nobody declines through Paraphe
            yield return new Combination(mode, otp, from, launch, correct, i++);
        }
    }

    [Fact]
    public async Task EveryRelaunchCarriesEveryPartOfTheProcedureAndNeverFails()
    {
        var user = await app.CreateUserAsync(await app.DemoAgencyIdAsync(), UserRole.Director);
        var documents = new[] { await api.UploadPdfAsync("Compromis de vente"), await api.UploadPdfAsync("Mandat exclusif") };
        var failures = new List<string>();
        var cases = new List<Case>();

        foreach (var c in Combinations())
        {
            var k = new Case(c);
            cases.Add(k);
            try
            {
                await PrepareAsync(k, documents[c.Index % 2].Str("id"), user);
            }
            catch (Exception e)
            {
                failures.Add($"{c}: preparing: {e.Message}");
            }
        }

        // Every procedure that must expire expires at once: one jump of the clock, one sweep.
        app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await app.Services.GetRequiredService<ExpirySweep>().SweepAsync(CancellationToken.None);

        var pairs = new List<(Case Case, Procedure Old, Procedure New)>();
        foreach (var k in cases.Where(k => k.Id.Length > 0))
        {
            try
            {
                var old = await api.ProcedureAsync(k.Id);
                var expected = k.C.From switch
                {
                    From.Ongoing => "ongoing",
                    From.Cancelled or From.CancelledDraft => "cancelled",
                    From.Declined => "declined",
                    From.Expired => "expired",
                };
                Assert.Equal(expected, old.Str("status"));
                var corrected = old.Signers()[0].Str("id");
                var response = await api.PostAsync($"/api/v1/procedures/{k.Id}/relaunch", new
                {
                    launch = k.C.Launch,
                    signers = k.C.Correct ? new[] { new { signer_id = corrected, email = k.CorrectedEmail, mobile = k.CorrectedMobile } } : null,
                });
                var next = await Expect.JsonAsync(response, HttpStatusCode.Created);
                Assert.Equal(k.C.Launch ? "ongoing" : "draft", next.Str("status"));
                var oldNow = await api.ProcedureAsync(k.Id);
                // Ongoing: cancelled in the same step (one-step correction); otherwise it stays as it ended.
                Assert.Equal(k.C.From == From.Ongoing ? "cancelled" : expected, oldNow.Str("status"));
                Assert.Equal(next.Str("id"), oldNow.Str("replaced_by"));
                Assert.Equal(k.Id, next.Str("replaces"));
                pairs.Add((k, await LoadAsync(k.Id), await LoadAsync(next.Str("id"))));
            }
            catch (Exception e)
            {
                failures.Add($"{k.C}: relaunching: {e.Message}");
            }
        }

        foreach (var (k, old, next) in pairs) failures.AddRange(Compare(k, old, next).Select(f => $"{k.C}: {f}"));
        failures.AddRange(Variety(pairs.Select(p => p.Old).ToList()));
        Assert.True(failures.Count == 0, $"{failures.Count} problem(s):\n" + string.Join("\n", failures));
    }

    /// <summary>A procedure with two contacts and an agency user, brought to the status the relaunch starts from.</summary>
    private async Task PrepareAsync(Case k, string documentId, string userId)
    {
        var c = k.C;
        var english = c.Index % 3 == 0;
        k.Contacts =
        [
            await Expect.JsonAsync(await api.PostAsync("/api/v1/contacts", new
            {
                first_name = "Jeanne", last_name = "Durand", email = Api.UniqueEmail("jeanne", "durand"), mobile = Api.UniqueMobile(),
                language = english ? "en" : "fr",
            }), HttpStatusCode.Created),
            await api.CreateContactAsync("Marc", "Lefèvre"),
        ];
        object? Place(bool chosen, int page) => chosen ? new { page, x = 40 + c.Index % 7, y = 60, width = 170, height = 55 } : null;
        // Every option the agent can set, away from its default, so that one the relaunch forgets shows up.
        // A new option of POST /procedures (signing_order, message, agent_user_id…) gets a non-default value here too.
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = documentId, mode = c.Mode, otp = c.Otp,
            expires_in_days = c.From == From.Expired ? 1 : 20 + c.Index % 9,
            reminders = new { interval_days = 3 + c.Index % 4, max = c.Index % 5 },
            signing_order = c.Index % 2 == 0 ? "sequential" : "parallel",
            message = c.Index % 3 == 0 ? null : $"Bonjour, voici le document n° {c.Index}.",
            agent_user_id = c.Index % 2 == 1 ? userId : null,
            signers = new object[]
            {
                new { contact_id = k.Contacts[0].Str("id"), role = "vendeur", field = Place(c.Index % 2 == 0, 1) },
                new { contact_id = k.Contacts[1].Str("id"), role = "acquéreur", field = Place(c.Index % 2 == 1, 2) },
                new { user_id = userId, role = "agence", field = Place(c.Index % 4 < 2, 2) },
            },
        }), HttpStatusCode.Created);
        k.Id = draft.Str("id");
        if (c.Correct)
        {
            k.CorrectedEmail = Api.UniqueEmail("jeanne", "corrigee");
            k.CorrectedMobile = Api.UniqueMobile();
        }
        if (c.From == From.CancelledDraft)
        {
            await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{k.Id}/cancel", new { reason = "Mauvais document" }), HttpStatusCode.OK);
            return;
        }
        var launched = await api.LaunchAsync(k.Id);
        switch (c.From)
        {
            case From.Cancelled:
                await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{k.Id}/cancel", new { reason = "Prix à revoir" }), HttpStatusCode.OK);
                break;
            case From.Declined:
                var token = app.Services.GetRequiredService<SigningLinks>().TokenFor(launched.Signers()[0].Str("id")); // the first: in order, the second's turn has not come
                await Expect.JsonAsync(await app.Anonymous().PostAsync($"/api/v1/signing/{token}/decline",
                    System.Net.Http.Json.JsonContent.Create(new { reason = "Je ne vends plus" })), HttpStatusCode.OK);
                break;
        }
    }

    private Task<Procedure> LoadAsync(string id) => app.DbAsync(db =>
        db.Procedures.IgnoreQueryFilters().AsNoTracking().SingleAsync(p => p.Id == id));

    private static IEnumerable<string> Compare(Case k, Procedure old, Procedure next)
    {
        foreach (var p in Compared(typeof(Procedure), ProcedureState))
            if (!Equal(p.GetValue(old), p.GetValue(next)))
                yield return $"Procedure.{p.Name} is {Show(p.GetValue(next))}, the old one's is {Show(p.GetValue(old))}";
        if (k.C.Launch && next.DocumentSha256 != old.DocumentSha256 && old.DocumentSha256 is not null)
            yield return "the relaunched procedure froze another document hash";

        var olds = old.Signers.OrderBy(s => s.Order).ToList();
        var news = next.Signers.OrderBy(s => s.Order).ToList();
        if (olds.Count != news.Count)
        {
            yield return $"{news.Count} signers instead of {olds.Count}";
            yield break;
        }
        for (var i = 0; i < olds.Count; i++)
        {
            foreach (var p in Compared(typeof(Signer), SignerState))
            {
                var expected = p.GetValue(olds[i]);
                // The corrected coordinates replace the old ones (and are saved to the contact).
                if (k.C.Correct && i == 0 && p.Name == nameof(Signer.Email)) expected = k.CorrectedEmail;
                if (k.C.Correct && i == 0 && p.Name == nameof(Signer.Mobile)) expected = k.CorrectedMobile;
                if (!Equal(expected, p.GetValue(news[i])))
                    yield return $"signer {i + 1}: Signer.{p.Name} is {Show(p.GetValue(news[i]))}, expected {Show(expected)}";
            }
            if (news[i].Field is not null && ReferenceEquals(news[i].Field, olds[i].Field))
                yield return $"signer {i + 1}: shares its SignatureField with the old signer";
        }
    }

    /// <summary>
    /// Each compared property must take two values over the test's procedures (or signers): otherwise the test never
    /// sets it away from its default, and a relaunch forgetting it would pass unseen.
    /// </summary>
    private static IEnumerable<string> Variety(IReadOnlyList<Procedure> olds)
    {
        if (olds.Count == 0) yield break;
        foreach (var p in Compared(typeof(Procedure), ProcedureState).Where(p => !SameForAll.Contains(p.Name)))
            if (olds.Select(o => Show(p.GetValue(o))).Distinct().Count() < 2)
                yield return $"Procedure.{p.Name} has the same value in every procedure of this test: give it another value in PrepareAsync.";
        var signers = olds.SelectMany(o => o.Signers).ToList();
        foreach (var p in Compared(typeof(Signer), SignerState))
            if (signers.Select(s => Show(p.GetValue(s))).Distinct().Count() < 2)
                yield return $"Signer.{p.Name} has the same value for every signer of this test: give it another value in PrepareAsync.";
    }

    private static IEnumerable<PropertyInfo> Compared(Type type, HashSet<string> excluded) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && !excluded.Contains(p.Name));

    private static bool Equal(object? a, object? b) => Equals(a, b) || Show(a) == Show(b);

    private static string Show(object? v) => v switch
    {
        null => "null",
        string s => $"« {s} »",
        _ => v.ToString() ?? "",
    };

    [Fact]
    public async Task ARelaunchTheLifeCycleDoesNotAllowIsAClearRefusal()
    {
        // A draft: launch it (or edit it) rather than relaunch it.
        var (draft, _) = await api.DraftAsync("remote");
        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{draft.Str("id")}/relaunch", new { launch = true }),
            HttpStatusCode.Conflict, "invalid_transition");

        // Completed: there is nothing to relaunch.
        var (manual, _) = await api.LaunchedAsync("manual");
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{manual.Str("id")}/mark-signed"), HttpStatusCode.OK);
        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{manual.Str("id")}/relaunch", new { launch = false }),
            HttpStatusCode.Conflict, "invalid_transition");

        // An agency user's coordinates are corrected in their profile, not here; nothing changes.
        var user = await app.CreateUserAsync(await app.DemoAgencyIdAsync(), UserRole.Director);
        var document = await api.UploadPdfAsync();
        var withUser = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "in_person", signers = new[] { new { user_id = user, role = "agence" } },
        }), HttpStatusCode.Created);
        await api.LaunchAsync(withUser.Str("id"));
        var problem = await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{withUser.Str("id")}/relaunch", new
        {
            launch = true, signers = new[] { new { signer_id = withUser.Signers()[0].Str("id"), email = "autre@gmail.com" } },
        }), HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Contains("signers[0]", Expect.ErrorKeys(problem));
        Assert.Equal("ongoing", (await api.ProcedureAsync(withUser.Str("id"))).Str("status"));

        // A signer of another procedure.
        var (ongoing, _) = await api.LaunchedAsync("remote", signers: 1);
        problem = await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{ongoing.Str("id")}/relaunch", new
        {
            launch = true, signers = new[] { new { signer_id = withUser.Signers()[0].Str("id"), email = "autre@gmail.com" } },
        }), HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Contains("signers[0].signer_id", Expect.ErrorKeys(problem));
        Assert.Equal("ongoing", (await api.ProcedureAsync(ongoing.Str("id"))).Str("status"));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ProcedureRelaunchCopiesEverythingOnSqlite(SqliteApp app) : ProcedureRelaunchCopiesEverything(app);

[Collection(PostgresCollection.Name)]
public sealed class ProcedureRelaunchCopiesEverythingOnPostgres(PostgresApp app) : ProcedureRelaunchCopiesEverything(app);
