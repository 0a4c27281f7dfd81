using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Web.Features.Sessions;

namespace Paraphe.Web.Features.Agencies;

/// <summary>
/// « Mot de passe oublié ? » and the set-password link of an invitation. A request answers the same whether the email
/// belongs to someone or not, and sends at most <see cref="AccountOptions.MaxResetsPerWindow"/> emails per address per
/// window; a link works once, until it expires; using it sets the password and ends every session of the user.
/// </summary>
public static class PasswordLinks
{
    public const string RequestAnswer =
        "Si un compte actif correspond à cette adresse, un email vient de lui être envoyé avec un lien pour choisir un nouveau mot de passe.";

    public static async Task RequestResetAsync(ParapheDbContext db, AccountLinks links, AccountOptions options, string? email,
        HttpContext http, CancellationToken ct)
    {
        email = email?.Trim().ToLowerInvariant() ?? "";
        if (email.Length is 0 or > 254 || TextInput.CharacterProblem(email, false) is not null) return;
        var since = db.UtcNow - options.ResetWindow;
        var recent = await db.SecurityEvents.CountAsync(e => e.Email == email && e.Kind == JournalCatalogue.StoredOf(JournalKind.PasswordResetRequested) && e.At >= since, ct);
        if (recent >= options.MaxResetsPerWindow) return; // the same answer, nothing sent, nothing written
        var user = await db.Users.IgnoreQueryFilters().FirstOrDefaultAsync(u => u.Email == email, ct);
        if (user is { IsActive: true })
            await AccountTokens.IssueAsync(db, links, user, AccountTokenKinds.PasswordReset, options.ResetValidity, ct);
        var e = SecurityJournal.Record(db, JournalCatalogue.StoredOf(JournalKind.PasswordResetRequested), http, user?.AgencyId, user?.Id, email,
            user is { IsActive: true } ? "lien envoyé" : "aucun compte actif : rien envoyé");
        e.Actor = user is null ? null : $"user:{user.Id}";
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Who the link is for, or null when it no longer works (used, expired, replaced, unknown).</summary>
    public static async Task<(string Email, string Kind)?> PeekAsync(ParapheDbContext db, string? token, CancellationToken ct) =>
        await AccountTokens.FindUsableAsync(db, token, ct) is { } found ? (found.User.Email, found.Token.Kind) : null;

    /// <summary>Sets the password; false when the link no longer works. A refused password throws `validation_failed`.</summary>
    public static async Task<bool> CompleteAsync(ParapheDbContext db, LoginOptions login, string? token, string? password,
        HttpContext http, CancellationToken ct)
    {
        var found = await AccountTokens.FindUsableAsync(db, token, ct);
        if (found is null) return false;
        var (row, user) = found.Value;
        row.UsedAt = db.UtcNow;
        // Validates, sets the hash, ends every session of the user, journals it and saves the used link with it.
        await ChangePassword.HandleAsync(db, login, user.Email, password, http, ct,
            JournalCatalogue.StoredOf(row.Kind == AccountTokenKinds.Invitation ? JournalKind.PasswordSet : JournalKind.PasswordReset));
        return true;
    }
}
