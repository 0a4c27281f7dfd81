using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Web.Features.Agencies;

namespace Paraphe.Web.Features.Sessions;

/// <summary>
/// Sets a user's password and ends every session of that user (each copy of each cookie, on every instance), in one
/// save with the journal rows. Used by `users set-password`.
/// </summary>
public static class ChangePassword
{
    public const int MaxPasswordLength = 200;

    public sealed record Result(string UserId, string AgencyId, int SessionsEnded);

    public static async Task<Result> HandleAsync(ParapheDbContext db, LoginOptions options, string? email, string? password,
        HttpContext? http, CancellationToken ct, string journalKind = SecurityEventKinds.PasswordChanged)
    {
        email = email?.Trim().ToLowerInvariant() ?? "";
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(password) || password.Length < options.MinPasswordLength)
            errors["password"] = [$"Le mot de passe doit compter au moins {options.MinPasswordLength} caractères."];
        else if (password.Length > MaxPasswordLength)
            errors["password"] = [$"Le mot de passe ne peut dépasser {MaxPasswordLength} caractères."];
        else if (password.Any(char.IsControl))
            errors["password"] = ["Le mot de passe ne peut contenir de caractères de contrôle."];
        if (errors.Count > 0)
            throw new DomainException(ErrorCodes.ValidationFailed, errors.First().Value[0], errors);

        var user = (email.Length == 0 ? null : await db.Users.IgnoreQueryFilters().FirstOrDefaultAsync(u => u.Email == email, ct))
            ?? throw new DomainException(ErrorCodes.NotFound, "Aucun utilisateur n'a cet email.");

        user.ChangePasswordHash(Passwords.Hash(user, password!));
        var ended = await AgentSessions.EndAllAsync(db, user.Id, "password_changed", http, ct);
        // A new password makes every set-password link still in a mailbox worthless (the one being used included).
        await Agencies.AccountTokens.RevokeOpenAsync(db, user.Id, kind: null, db.UtcNow, ct);
        SecurityJournal.Record(db, journalKind, http, user.AgencyId, user.Id, user.Email, $"{ended} session(s) fermée(s)").Actor = http is null ? "system" : $"user:{user.Id}";
        await db.SaveChangesAsync(ct);
        return new Result(user.Id, user.AgencyId, ended);
    }
}
