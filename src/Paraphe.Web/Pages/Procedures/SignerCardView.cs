using Paraphe.Domain.Contacts;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Procedures;

namespace Paraphe.Web.Pages.Procedures;

/// <param name="Sequential">« Dans l'ordre de signature »: the card shows the signer's place in the order.</param>
public sealed record SignerCardView(SignerResponse Signer, IReadOnlyDictionary<string, Contact> Contacts, string Mode,
    ProcedureStatus ProcedureStatus, DateTime Now, bool Sequential = false)
{
    public Contact? Contact => Signer.ContactId is { } id && Contacts.TryGetValue(id, out var c) ? c : null;

    /// <summary>Only a pending signer of an ongoing remote procedure is reminded; the server checks again.</summary>
    public bool Remindable => Mode == "remote" && ProcedureStatus == ProcedureStatus.Ongoing && Signer.Status == SignerStatus.Pending;

    /// <summary>The button shows outside the 2-day window; inside it, the card says when it comes back.</summary>
    public bool CanRemindNow => Remindable && !Signer.AwaitingTurn && !Unreachable && !(Signer.NextReminderAt > Now);

    /// <summary>Every channel known bad: a reminder would be refused (contact_unreachable); the diagnosis says what to correct.</summary>
    public bool Unreachable => Remindable && Signer.ReminderChannels is { Count: 0 };

    /// <summary>« Relancer le client », or the one channel left when the other is known bad.</summary>
    public string RemindLabel => Signer.ReminderChannels switch
    {
        ["sms"] => "Relancer le client par SMS",
        ["email"] => "Relancer le client par email",
        _ => "Relancer le client",
    };

    /// <summary>Why only one channel, said before the agent clicks.</summary>
    public string? RemindNote => Signer.ReminderChannels switch
    {
        ["sms"] => "L'adresse email ne reçoit pas nos messages : la relance partira par SMS uniquement.",
        ["email"] => "Le numéro de mobile ne reçoit pas nos SMS : la relance partira par email uniquement.",
        _ => null,
    };
}
