using Microsoft.Extensions.Time.Testing;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

/// <summary>Test data: an agency in Lyon, its negotiator, a seller and a buyer, a compromis de vente.</summary>
internal static class Build
{
    public const string AgencyId = "agc_test_lyon";
    public const string DocumentId = "doc_compromis_rue_garibaldi";
    public const string Title = "Compromis de vente — 12 rue Garibaldi, Lyon 3e";
    public const string Agent = "user:usr_negociateur_durand";
    public const string DocumentSha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    public static readonly DateTimeOffset Start = new(2025, 3, 10, 9, 30, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Start);

    public static DateTime Now(this FakeTimeProvider clock) => clock.GetUtcNow().UtcDateTime;

    public static readonly SignerSnapshot Seller =
        new("Camille", "Lefèvre", "camille.lefevre@gmail.com", "+33612345678", EmailOk: true, MobileOk: true);

    public static readonly SignerSnapshot Buyer =
        new("Julien", "Moreau", "julien.moreau@orange.fr", "+33698765432", EmailOk: true, MobileOk: true);

    public static readonly SignerSnapshot SecondBuyer =
        new("Inès", "Benali-Moreau", "ines.benali@free.fr", "+33745123456", EmailOk: true, MobileOk: true);

    /// <summary>The agency's director, who signs on the agency's behalf.</summary>
    public static readonly SignerSnapshot Director =
        new("Sophie", "Garnier", "s.garnier@immo-garibaldi.fr", "+33478000000", EmailOk: true, MobileOk: false);

    public static Procedure Draft(ProcedureMode mode = ProcedureMode.Remote, FakeTimeProvider? clock = null,
        Procedure.Options? options = null) =>
        Procedure.Create(AgencyId, DocumentId, Title, options ?? new Procedure.Options(mode), Agent,
            (clock ?? Clock()).Now());

    /// <summary>A draft with a seller and a buyer, both contacts.</summary>
    public static Procedure DraftWithTwoSigners(ProcedureMode mode = ProcedureMode.Remote, FakeTimeProvider? clock = null)
    {
        var p = Draft(mode, clock);
        p.AddSigner("ctc_lefevre", null, "vendeur", null, Seller, Agent);
        p.AddSigner("ctc_moreau", null, "acquéreur", new SignatureField(3, 72, 600, 180, 60), Buyer, Agent);
        return p;
    }

    /// <summary>Snapshot at launch: the coordinates the signer already carries, all valid.</summary>
    public static SignerSnapshot Unchanged(Signer s) => new(s.FirstName, s.LastName, s.Email, s.Mobile, true, true);

    public static string TokenHash(Signer s) => $"sha256-of-token-{s.Id}";

    public static IReadOnlyList<Notification> Launch(this Procedure p, FakeTimeProvider clock) =>
        p.Launch(DocumentSha, Unchanged, TokenHash, Agent, clock.Now());

    /// <summary>Seller and buyer, launched at <see cref="Start"/>.</summary>
    public static Procedure Ongoing(ProcedureMode mode = ProcedureMode.Remote, FakeTimeProvider? clock = null)
    {
        clock ??= Clock();
        var p = DraftWithTwoSigners(mode, clock);
        p.Launch(clock);
        return p;
    }

    public static SignatureData Drawn(bool inPerson = false) =>
        new("data:image/png;base64,iVBORw0KGgo=", null, "203.0.113.7", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)", inPerson);

    public static SignatureData Typed(string name) => new(null, name, "198.51.100.23", "Mozilla/5.0 (Android 14)", false);

    public static Signer SellerSigner(this Procedure p) => p.Signers.Single(s => s.ContactId == "ctc_lefevre");
    public static Signer BuyerSigner(this Procedure p) => p.Signers.Single(s => s.ContactId == "ctc_moreau");

    public static IReadOnlyList<string> EventTypes(this Procedure p) => p.PendingEvents.Select(e => e.Type).ToList();

    /// <summary>The event's record of the audit catalogue, asserted to be a <typeparamref name="T"/>.</summary>
    public static T Fact<T>(this ProcedureEvent e) where T : Paraphe.Domain.Audit.AuditFact => Assert.IsType<T>(e.Fact);

    public static readonly OneTimeCodeKey OtpKey = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    /// <summary>An `otp` procedure: the signer requests a code and types it right, as before a signature by link.</summary>
    public static void PassOtp(this Procedure p, Signer s, FakeTimeProvider clock)
    {
        var (_, code) = p.RequestOtp(s.Id, OtpKey, clock.Now());
        Assert.True(p.VerifyOtp(s.Id, OtpKey.CodeFor(s.Id, code.Id), OtpKey, clock.Now()).Verified);
    }

    /// <summary>Seller and buyer (no signature place), launched, events cleared: the start of the code tests.</summary>
    public static Procedure OngoingWithCodes(ProcedureMode mode, FakeTimeProvider clock, bool otp = true)
    {
        var p = Draft(mode, clock, new Procedure.Options(mode, Otp: otp));
        p.AddSigner("ctc_lefevre", null, "vendeur", null, Seller, Agent);
        p.AddSigner("ctc_moreau", null, "acquéreur", null, Buyer, Agent);
        var invitations = p.Launch(clock);
        Assert.Equal(mode == ProcedureMode.Remote ? 4 : 0, invitations.Count); // face to face: none, with or without a code
        p.ClearPendingEvents();
        return p;
    }

    /// <summary>Requests a code for <paramref name="s"/>; returns its digits as the SMS would carry them.</summary>
    public static string CodeSent(this Procedure p, Signer s, FakeTimeProvider clock)
    {
        var (_, code) = p.RequestOtp(s.Id, OtpKey, clock.Now());
        return OtpKey.CodeFor(s.Id, code.Id);
    }

    public static string WrongCode(string code) => code == "000000" ? "111111" : "000000";

    public static DomainException Refused(string code, Action act)
    {
        var e = Assert.Throws<DomainException>(act);
        Assert.Equal(code, e.Code);
        return e;
    }
}
