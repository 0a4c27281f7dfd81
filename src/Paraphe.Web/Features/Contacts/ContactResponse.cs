using Paraphe.Domain.Contacts;

namespace Paraphe.Web.Features.Contacts;

public sealed record EmailCheckResponse(bool Ok, string? Code, string? Message, string? Suggestion);

public sealed record MobileCheckResponse(bool Ok, string? Code, string? Message, string? Suggestion, string? Region, string? Type);

public sealed record ContactChecksResponse(EmailCheckResponse Email, MobileCheckResponse Mobile);

public sealed record ContactResponse(
    string Id, string FirstName, string LastName, string Email, string Mobile, string Language, ContactChecksResponse Checks,
    DateTime CreatedAt, DateTime UpdatedAt);

public static class ContactMapping
{
    public static ContactResponse ToResponse(this Contact c) =>
        new(c.Id, c.FirstName, c.LastName, c.Email, c.Mobile, Languages.Wire(c.Language), c.Checks().ToResponse(), c.CreatedAt, c.UpdatedAt);

    public static ContactChecksResponse ToResponse(this ContactCheckResult r) => new(
        new EmailCheckResponse(r.Email.Ok, r.Email.Code, r.Email.Message, r.Email.Suggestion),
        new MobileCheckResponse(r.Mobile.Ok, r.Mobile.Code, r.Mobile.Message, r.Mobile.Suggestion, r.Mobile.Region, r.Mobile.Type));
}
