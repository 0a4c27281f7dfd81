using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain.Agencies;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Agencies;

/// <summary>Creates an agency with its director (first password) and an API key; used by the CLI and the demo seed.</summary>
public static class CreateAgency
{
    public sealed record Result(Agency Agency, User Director, string Password, string ApiKey);

    public static async Task<Result> HandleAsync(ParapheDbContext db, string name, string directorEmail, string? password,
        string? apiKey, CancellationToken ct, string firstName = "Directeur", string lastName = "", string? mobile = null)
    {
        var now = db.UtcNow;
        var agency = Agency.Create(name, now);
        password ??= ApiKeys.Base64Url(RandomNumberGenerator.GetBytes(12));
        var director = User.Create(agency.Id, directorEmail, firstName, lastName, UserRole.Director, "", now, mobile: mobile);
        director.ChangePasswordHash(Passwords.Hash(director, password));
        apiKey ??= ApiKeys.Generate();
        db.Agencies.Add(agency);
        db.Users.Add(director);
        db.ApiKeys.Add(ApiKeys.NewRow(agency.Id, apiKey, now));
        await db.SaveChangesAsync(ct);
        return new Result(agency, director, password, apiKey);
    }
}

/// <summary>ASP.NET Core Identity's PBKDF2 password hasher, without the rest of Identity.</summary>
public static class Passwords
{
    private static readonly PasswordHasher<User> Hasher = new();

    public static string Hash(User user, string password) => Hasher.HashPassword(user, password);

    public static bool Verify(User user, string password) =>
        !string.IsNullOrEmpty(user.PasswordHash)
        && Hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;
}
