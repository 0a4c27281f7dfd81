using Paraphe.Domain.Contacts;
using Paraphe.Web.Features.Procedures;

namespace Paraphe.Web.Pages.Procedures;

public sealed record SignerCardView(SignerResponse Signer, IReadOnlyDictionary<string, Contact> Contacts, string Mode)
{
    public Contact? Contact => Signer.ContactId is { } id && Contacts.TryGetValue(id, out var c) ? c : null;
}
