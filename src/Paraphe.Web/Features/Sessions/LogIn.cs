using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain.Agencies;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Pages;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Sessions;

/// <summary>
/// An agent's login: throttled per account (the email tried, known or not) and per client address, every attempt
/// journalled; a success starts a server-side session and returns the principal for the cookie.
/// </summary>
public static class LogIn
{
    public sealed record Result(ClaimsPrincipal? Principal, string? Error);

    /// <summary>Verified against when the email is unknown, so that an unknown account answers as slowly as a known one.</summary>
    private static readonly Lazy<User> Decoy = new(() =>
    {
        var user = User.Create("agc_none", "nobody@invalid", "", "", UserRole.Director, "", DateTime.UnixEpoch);
        user.ChangePasswordHash(Passwords.Hash(user, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))));
        return user;
    });

    /// <summary>
    /// Attempts on one account run one at a time on an instance (striped by the email's hash, so memory stays bounded):
    /// parallel guesses cannot all pass the throttle before any failure is written.
    /// </summary>
    private static readonly SemaphoreSlim[] Gates = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public static async Task<Result> HandleAsync(ParapheDbContext db, LoginOptions options, string? email, string? password,
        HttpContext http, CancellationToken ct)
    {
        email = email?.Trim().ToLowerInvariant() ?? "";
        if (email.Length > 320) email = email[..320];
        var gate = Gates[(int)((uint)StringComparer.Ordinal.GetHashCode(email) % Gates.Length)];
        await gate.WaitAsync(ct);
        try
        {
            return await AttemptAsync(db, options, email, password, http, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<Result> AttemptAsync(ParapheDbContext db, LoginOptions options, string email, string? password,
        HttpContext http, CancellationToken ct)
    {
        // The address throttle counts a client as the rate limits do: an IPv4 address, an IPv6 client by its /64.
        var client = Platform.Http.ClientPartition.Known(http);
        var now = db.UtcNow;

        if (await WaitUntilAsync(db, options, email, client, now, ct) is { } until)
        {
            // A refused attempt changes nothing: journalled once a minute per account and per address, so that a flood
            // of attempts (one address trying many emails, many addresses one email) cannot flood the journal.
            var recently = now - ThrottledJournalInterval;
            if (!await db.SecurityEvents.AnyAsync(e => e.Kind == SecurityEventKinds.LoginThrottled && e.At >= recently
                                                       && (e.Email == email || (client != null && e.Client == client)), ct))
            {
                SecurityJournal.Record(db, SecurityEventKinds.LoginThrottled, http, null, null, email,
                    $"jusqu'à {until:yyyy-MM-ddTHH:mm:ssZ}");
                await db.SaveChangesAsync(ct);
            }
            var minutes = Math.Max(1, (int)Math.Ceiling((until - now).TotalMinutes));
            return new Result(null, string.Create(CultureInfo.InvariantCulture,
                $"Trop de tentatives de connexion. Par sécurité, réessayez dans {minutes} minute{(minutes > 1 ? "s" : "")}."));
        }

        // No tenant yet: the user is looked up across agencies, by its unique email.
        var user = email.Length == 0 ? null
            : await db.Users.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(u => u.Email == email, ct);
        // A deactivated user's password is still checked (same cost) but never lets them in.
        var valid = user is not null && !string.IsNullOrEmpty(password) && Passwords.Verify(user, password) && user.IsActive;
        if (user is null && !string.IsNullOrEmpty(password))
            _ = Passwords.Verify(Decoy.Value, password);
        if (!valid)
        {
            SecurityJournal.Record(db, SecurityEventKinds.LoginFailed, http, user?.AgencyId, user?.Id, email);
            await db.SaveChangesAsync(ct);
            return new Result(null, "Email ou mot de passe incorrect.");
        }

        var agency = await db.Agencies.AsNoTracking().FirstAsync(a => a.Id == user!.AgencyId, ct);
        var sessionId = AgentSessions.Start(db, options, user!.AgencyId, user.Id, http);
        SecurityJournal.Record(db, SecurityEventKinds.LoginSucceeded, http, user.AgencyId, user.Id, email);
        await db.SaveChangesAsync(ct);
        var identity = new ClaimsIdentity(
        [
            new Claim(ParapheClaims.AgencyId, user.AgencyId),
            new Claim(ParapheClaims.UserId, user.Id),
            new Claim(AgentSessions.SessionClaim, sessionId),
            new Claim(ClaimTypes.Name, user.DisplayName.Length > 0 ? user.DisplayName : user.Email),
            new Claim(ClaimTypes.Email, user.Email),
            new Claim(UiSetup.AgencyNameClaim, agency.Name),
            // For the menu only; every director page and endpoint reads the role from the database.
            new Claim(ClaimTypes.Role, Paraphe.Domain.Agencies.UserRoles.Wire(user.Role)),
        ], CookieAuthenticationDefaults.AuthenticationScheme);
        return new Result(new ClaimsPrincipal(identity), null);
    }

    /// <summary>
    /// When the account or the address has had too many failures in the window: the time the oldest failure that
    /// counts leaves it. A success resets the account's count (not the address's).
    /// </summary>
    private static async Task<DateTime?> WaitUntilAsync(ParapheDbContext db, LoginOptions options, string email, string? client,
        DateTime now, CancellationToken ct)
    {
        var since = now - options.FailureWindow;
        DateTime? until = null;
        if (email.Length > 0)
        {
            var lastSuccess = await db.SecurityEvents.Where(e => e.Email == email && e.Kind == SecurityEventKinds.LoginSucceeded && e.At >= since)
                .OrderByDescending(e => e.At).Select(e => (DateTime?)e.At).FirstOrDefaultAsync(ct);
            var from = lastSuccess is { } s && s > since ? s : since;
            until = await NthNewestFailureAsync(db.SecurityEvents.Where(e => e.Email == email && e.At >= from), options.MaxFailuresPerAccount, ct);
        }
        if (client is not null
            && await NthNewestFailureAsync(db.SecurityEvents.Where(e => e.Client == client && e.At >= since), options.MaxFailuresPerAddress, ct) is { } byAddress
            && (until is null || byAddress > until))
            until = byAddress;
        return until + options.FailureWindow;
    }

    /// <summary>A throttled attempt is journalled at most once in this interval per account and per address.</summary>
    public static readonly TimeSpan ThrottledJournalInterval = TimeSpan.FromMinutes(1);

    private static Task<DateTime?> NthNewestFailureAsync(IQueryable<SecurityEvent> events, int max, CancellationToken ct) =>
        events.Where(e => e.Kind == SecurityEventKinds.LoginFailed).OrderByDescending(e => e.At)
            .Skip(Math.Max(0, max - 1)).Select(e => (DateTime?)e.At).FirstOrDefaultAsync(ct);
}
