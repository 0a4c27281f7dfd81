using Paraphe.Domain.Contacts;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Procedures;

namespace Paraphe.Web.Pages.Procedures;

public sealed record SignerCardView(SignerResponse Signer, IReadOnlyDictionary<string, Contact> Contacts, string Mode,
    ProcedureStatus ProcedureStatus, DateTime Now)
{
    public Contact? Contact => Signer.ContactId is { } id && Contacts.TryGetValue(id, out var c) ? c : null;

    /// <summary>Only a pending signer of an ongoing remote procedure is reminded; the server checks again.</summary>
    public bool Remindable => Mode == "remote" && ProcedureStatus == ProcedureStatus.Ongoing && Signer.Status == SignerStatus.Pending;

    /// <summary>The button shows outside the 2-day window; inside it, the card says when it comes back.</summary>
    public bool CanRemindNow => Remindable && !(Signer.NextReminderAt > Now);
}
