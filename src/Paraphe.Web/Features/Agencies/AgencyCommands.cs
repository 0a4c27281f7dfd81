using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Web.Features.Sessions;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Agencies;

/// <summary>
/// Operators' commands of the same program: `agencies add --name … --director-email …`, `agencies list`,
/// `keys rotate --agency agc_…`, `users set-password --email … --password …` (ends all of the user's sessions).
/// </summary>
public static class AgencyCommands
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "agencies" or "keys" or "users";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter errors)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var options = Options(args.Skip(2));
        switch (args.ElementAtOrDefault(0), args.ElementAtOrDefault(1))
        {
            case ("agencies", "add"):
                if (!options.TryGetValue("name", out var name) || !options.TryGetValue("director-email", out var email))
                    return Usage(errors, "agencies add --name \"Agence du Port\" --director-email d@example.fr [--password …]");
                var created = await CreateAgency.HandleAsync(db, name, email, options.GetValueOrDefault("password"), null, CancellationToken.None);
                output.WriteLine($"agency_id: {created.Agency.Id}");
                output.WriteLine($"director: {created.Director.Email}");
                output.WriteLine($"password: {created.Password}");
                output.WriteLine($"api_key: {created.ApiKey}");
                return 0;
            case ("agencies", "list"):
                foreach (var a in await db.Agencies.AsNoTracking().OrderBy(a => a.CreatedAt).ToListAsync())
                    output.WriteLine($"{a.Id}\t{a.Name}\t{a.CreatedAt:yyyy-MM-dd}");
                return 0;
            case ("keys", "rotate"):
                if (!options.TryGetValue("agency", out var agencyId)) return Usage(errors, "keys rotate --agency agc_…");
                if (!await db.Agencies.AnyAsync(a => a.Id == agencyId)) { errors.WriteLine("Unknown agency."); return 1; }
                var now = db.UtcNow;
                await db.ApiKeys.Where(k => k.AgencyId == agencyId && k.RevokedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now));
                var key = ApiKeys.Generate();
                db.ApiKeys.Add(ApiKeys.NewRow(agencyId, key, now));
                await db.SaveChangesAsync();
                output.WriteLine($"api_key: {key}");
                return 0;
            case ("users", "set-password"):
                if (!options.TryGetValue("email", out var userEmail) || !options.TryGetValue("password", out var password))
                    return Usage(errors, "users set-password --email agent@example.fr --password …");
                try
                {
                    var loginOptions = scope.ServiceProvider.GetRequiredService<IOptions<LoginOptions>>().Value;
                    var changed = await ChangePassword.HandleAsync(db, loginOptions, userEmail, password, null, CancellationToken.None);
                    output.WriteLine($"user_id: {changed.UserId}");
                    output.WriteLine($"sessions_ended: {changed.SessionsEnded}");
                    return 0;
                }
                catch (DomainException e)
                {
                    errors.WriteLine(e.Message);
                    return 1;
                }
            default:
                return Usage(errors, "agencies add | agencies list | keys rotate | users set-password");
        }
    }

    private static Dictionary<string, string> Options(IEnumerable<string> args)
    {
        var result = new Dictionary<string, string>();
        string? key = null;
        foreach (var a in args)
        {
            if (a.StartsWith("--", StringComparison.Ordinal)) key = a[2..];
            else if (key is not null) { result[key] = a; key = null; }
        }
        return result;
    }

    private static int Usage(TextWriter errors, string usage)
    {
        errors.WriteLine($"usage: dotnet run --project src/Paraphe.Web -- {usage}");
        return 2;
    }
}
