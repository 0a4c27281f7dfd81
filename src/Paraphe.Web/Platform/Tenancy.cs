using System.Security.Claims;
using Paraphe.Data;

namespace Paraphe.Web.Platform;

public static class ParapheClaims
{
    public const string AgencyId = "paraphe:agency_id";
    public const string UserId = "paraphe:user_id";
    public const string ApiKeyId = "paraphe:api_key_id";
}

/// <summary>The agency of the signed-in agent or API key; feeds the DbContext's query filters.</summary>
internal sealed class RequestTenant(IHttpContextAccessor http) : ITenant
{
    public string? AgencyId => http.HttpContext?.User.FindFirstValue(ParapheClaims.AgencyId);
}

public static class PrincipalExtensions
{
    public static string AgencyId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ParapheClaims.AgencyId) ?? throw new InvalidOperationException("No agency on this request.");

    /// <summary>Who did it, as written in the audit trail: `user:usr_…` or `api_key:key_…`.</summary>
    public static string Actor(this ClaimsPrincipal user) =>
        user.FindFirstValue(ParapheClaims.UserId) is { } u ? $"user:{u}"
        : user.FindFirstValue(ParapheClaims.ApiKeyId) is { } k ? $"api_key:{k}"
        : "system";
}
