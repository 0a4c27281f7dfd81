using Paraphe.Domain.Agencies;

namespace Paraphe.Web.Features.Agencies;

/// <summary>
/// A user as the API shows it. `role` is `director` or `agent` (négociateur and agent commercial are both agents on
/// the wire; `position` keeps the finer word for people). `status`: `invited` (no password chosen yet), `active`, `deactivated`.
/// </summary>
public sealed record UserResponse(string Id, string Email, string FirstName, string LastName, string Role, string Position,
    bool SigningAuthority, string Status, DateTime CreatedAt, DateTime? DeactivatedAt);

public static class UserResponses
{
    public static UserResponse ToResponse(this User u) => new(u.Id, u.Email, u.FirstName, u.LastName, UserRoles.Wire(u.Role),
        UserRoles.Label(u.Role), u.HasSigningAuthority, StatusOf(u), u.CreatedAt, u.DeactivatedAt);

    public static string StatusOf(User u) => !u.IsActive ? "deactivated" : string.IsNullOrEmpty(u.PasswordHash) ? "invited" : "active";
}
