using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;

namespace Paraphe.Domain.Procedures;

public sealed partial class Procedure
{
    /// <summary>
    /// Freezes the document hash and every signer's coordinates. Remote mode requires each signer to pass
    /// the contact checks; returns the invitations (email and SMS per signer) to write in the same transaction.
    /// </summary>
    public IReadOnlyList<Notification> Launch(string documentSha256, Func<Signer, SignerSnapshot> snapshotOf,
        Func<Signer, string> tokenHashOf, string actor, DateTime now)
    {
        EnsureDraft();
        if (_signers.Count == 0)
            throw Invalid("signers", "Ajoutez au moins un signataire avant de lancer la procédure.");

        // By order, not by list position: the list comes back from the database in no particular order, and
        // `signers[i]` must name the signer the agent sees at place i.
        var ordered = _signers.OrderBy(s => s.Order).ToList();
        var snapshots = ordered.ToDictionary(s => s.Id, snapshotOf);
        var errors = LaunchErrors(Mode, Otp, ordered.Select(s => snapshots[s.Id]).ToList());
        if (errors.Count > 0)
            throw new DomainException(ErrorCodes.ValidationFailed, LaunchRefused, errors);

        foreach (var s in _signers) s.Freeze(snapshots[s.Id], tokenHashOf(s));
        DocumentSha256 = documentSha256;
        Status = ProcedureStatus.Ongoing;
        LaunchedAt = now;
        ExpiresAt = now.AddDays(ExpiresInDays);
        Record(actor, new ProcedureLaunched(Wire(Mode), documentSha256, ExpiresAt,
            ordered.Select(s => new LaunchedSigner(s.Id, s.DisplayName, s.Email, s.Mobile, s.Role)).ToList(),
            Wire(SigningOrder)));

        if (Mode != ProcedureMode.Remote) return [];
        // In order: only the first signer now; each next one when the previous signs (InviteNextInOrder).
        var invitations = new List<Notification>();
        foreach (var s in IsSequential ? ordered.Take(1) : ordered)
        {
            s.MarkInvited(now);
            invitations.AddRange(Invitations(s, now));
        }
        return invitations;
    }

    public const string LaunchRefused = "La procédure ne peut pas être lancée : corrigez les coordonnées des signataires signalés.";

    /// <summary>
    /// What stops a launch in these coordinates (<paramref name="ordered"/>: the signers in their order), by field
    /// (`signers[1].mobile`); empty when the procedure can be launched. Also run before a form is saved, so that the agent
    /// sees every error at once.
    /// </summary>
    public static Dictionary<string, string[]> LaunchErrors(ProcedureMode mode, bool otp, IReadOnlyList<SignerSnapshot> ordered)
    {
        var errors = new Dictionary<string, string[]>();
        // Face to face with a code: each signer receives the code on their own mobile, so the number must take SMS.
        var codeInPerson = mode == ProcedureMode.InPerson && otp;
        if (mode != ProcedureMode.Remote && !codeInPerson) return errors;
        for (var i = 0; i < ordered.Count; i++)
        {
            var snap = ordered[i];
            var who = $"{snap.FirstName} {snap.LastName}".Trim();
            if (!snap.EmailOk && !codeInPerson)
                errors[$"signers[{i}].email"] = [$"{who} : l'adresse email « {snap.Email} » ne permet pas l'envoi. Corrigez le contact."];
            if (!snap.MobileOk)
                errors[$"signers[{i}].mobile"] = [codeInPerson
                    ? $"{who} : le code de signature est envoyé par SMS, mais le numéro « {snap.Mobile} » ne peut pas en recevoir. Corrigez le contact ou retirez l'option « code par SMS »."
                    : $"{who} : le numéro « {snap.Mobile} » ne peut pas recevoir de SMS. Corrigez le contact."];
        }
        return errors;
    }

    /// <summary>
    /// Cancels; the links stop working at once. Returns the notices (email and SMS) for the signers who were
    /// invited and have not answered, unless <paramref name="notifySigners"/> is false (correct and relaunch:
    /// the new invitation tells them).
    /// </summary>
    public IReadOnlyList<Notification> Cancel(string? reason, string actor, DateTime now, bool notifySigners = true)
    {
        EnsureStatus("annuler", ProcedureStatus.Draft, ProcedureStatus.Ongoing);
        if (string.IsNullOrWhiteSpace(reason))
            throw Invalid("reason", "Indiquez la raison de l'annulation.");
        TextInput.Ensure("reason", reason.Trim(), TextInput.Reason);
        var wasInvited = Status == ProcedureStatus.Ongoing && Mode == ProcedureMode.Remote;
        Status = ProcedureStatus.Cancelled;
        CancelledAt = now;
        CancelReason = reason.Trim();
        Record(actor, new ProcedureCancelled(CancelReason));
        if (!wasInvited || !notifySigners) return [];
        return _signers.Where(s => s.InvitedAt is not null && s.Status == SignerStatus.Pending)
            .OrderBy(s => s.Order)
            .SelectMany(s => new[]
            {
                Notification.Queue(AgencyId, Id, s.Id, Channel.Email, Purpose.Cancellation, s.Email, now),
                Notification.Queue(AgencyId, Id, s.Id, Channel.Sms, Purpose.Cancellation, s.Mobile, now),
            }).ToList();
    }

    /// <summary>Expiry is applied by a sweep; returns true when this call expired the procedure.</summary>
    public bool ExpireIfDue(DateTime now)
    {
        if (Status != ProcedureStatus.Ongoing || ExpiresAt is not { } at || now < at) return false;
        Status = ProcedureStatus.Expired;
        ExpiredAt = now;
        Record("system", new ProcedureExpired(at));
        return true;
    }

    /// <summary>
    /// The agent is warned once that an ongoing procedure is about to expire: 3 days before, or half its validity when
    /// it is shorter. Returns true when this call recorded the warning (`procedure.expiring_soon`, which raises the alert).
    /// </summary>
    public bool WarnExpiryIfDue(DateTime now)
    {
        if (Status != ProcedureStatus.Ongoing || ExpiresAt is not { } at || ExpiryWarnedAt is not null || now >= at) return false;
        if (now < at - ExpiryWarning(ExpiresInDays)) return false;
        ExpiryWarnedAt = now;
        Record("system", new ProcedureExpiringSoon(at));
        return true;
    }

    public static TimeSpan ExpiryWarning(int expiresInDays) => TimeSpan.FromDays(Math.Min(3, expiresInDays / 2.0));

    /// <summary>The signing link works only while the procedure is ongoing and not past its expiry.</summary>
    public void EnsureOpenForSigning(DateTime now)
    {
        var why = Status switch
        {
            ProcedureStatus.Ongoing when ExpiresAt is { } at && now >= at => "Ce lien a expiré : la procédure n'est plus valable. Contactez votre agence.",
            ProcedureStatus.Ongoing => null,
            ProcedureStatus.Draft => "Cette procédure n'est pas encore lancée.",
            ProcedureStatus.Completed => "Cette procédure est terminée : tous les signataires ont signé.",
            ProcedureStatus.Declined => "Cette procédure a été refusée par un signataire : elle est close.",
            ProcedureStatus.Cancelled => "Cette procédure a été annulée par l'agence. Si une nouvelle procédure vous a été envoyée, utilisez le nouveau lien.",
            ProcedureStatus.Expired => "Ce lien a expiré : la procédure n'est plus valable. Contactez votre agence.",
        };
        if (why is not null) throw new DomainException(ErrorCodes.LinkGone, why);
    }

    public void RecordOpening(string signerId, string? ip, string? userAgent, DateTime now)
    {
        EnsureOpenForSigning(now);
        (ip, userAgent) = (TextInput.Clean(ip, TextInput.MaxIp), TextInput.Clean(userAgent, TextInput.MaxUserAgent));
        if (Signer(signerId).RecordOpening(now))
            Record($"signer:{signerId}", new SignerLinkOpened(signerId, ip, userAgent));
    }

    /// <summary>
    /// Records one signature; the last one completes the procedure. In a sequential remote procedure, returns the next
    /// signer's invitations (to write in the same transaction).
    /// </summary>
    public IReadOnlyList<Notification> Sign(string signerId, SignatureData data, DateTime now)
    {
        EnsureOpenForSigning(now);
        if (Mode == ProcedureMode.Manual)
            throw new DomainException(ErrorCodes.InvalidTransition, "En mode « Marquer comme signé », l'agent marque la procédure signée.");
        var signer = Signer(signerId);
        if (signer.Status != SignerStatus.Pending)
            throw new DomainException(ErrorCodes.InvalidTransition, "Vous avez déjà signé ce document.");
        EnsureSignerTurn(signer);
        if (string.IsNullOrWhiteSpace(data.Image) && string.IsNullOrWhiteSpace(data.TypedName))
            throw Invalid("signature_image", "Dessinez votre signature ou tapez votre nom.");
        TextInput.Ensure("typed_name", data.TypedName, TextInput.TypedName);
        data = data with { Ip = TextInput.Clean(data.Ip, TextInput.MaxIp), UserAgent = TextInput.Clean(data.UserAgent, TextInput.MaxUserAgent) };
        // In person too: with `otp`, the code sent to the signer's own mobile is what proves who holds the device.
        if (Otp && !OtpVerified(signer))
            throw new DomainException(ErrorCodes.OtpRequired, "Saisissez le code à 6 chiffres reçu par SMS.");
        signer.Sign(data, now);
        Record($"signer:{signerId}", new SignerSigned(signerId, SignatureMethod(data.InPerson), data.TypedName, data.Ip, data.UserAgent));
        if (_signers.All(s => s.Status == SignerStatus.Signed))
        {
            Complete(now);
            return [];
        }
        return InviteNextInOrder("system", now);
    }

    /// <summary>How a signature was made, as the audit and the evidence page name it.</summary>
    private string SignatureMethod(bool inPerson) => (inPerson, Otp) switch
    {
        (true, true) => "in_person_otp",
        (true, false) => "in_person",
        (false, true) => "remote_otp",
        (false, false) => "remote",
    };

    public void Decline(string signerId, string? reason, DateTime now)
    {
        EnsureOpenForSigning(now);
        if (Mode == ProcedureMode.Manual)
            throw new DomainException(ErrorCodes.InvalidTransition, "En mode « Marquer comme signé », la signature se fait sur papier : annulez la procédure si le client refuse.");
        if (string.IsNullOrWhiteSpace(reason))
            throw Invalid("reason", "Indiquez pourquoi vous refusez de signer.");
        TextInput.Ensure("reason", reason.Trim(), TextInput.Reason);
        var signer = Signer(signerId);
        if (signer.Status != SignerStatus.Pending)
            throw new DomainException(ErrorCodes.InvalidTransition, "Vous avez déjà répondu à cette demande de signature.");
        EnsureSignerTurn(signer);
        signer.Decline(reason.Trim(), now);
        Status = ProcedureStatus.Declined;
        DeclinedAt = now;
        Record($"signer:{signerId}", new SignerDeclined(signerId, reason.Trim()));
    }

    /// <summary>Manual mode: signed on paper; the scanned copy is optional.</summary>
    public void MarkSigned(string? scannedDocumentId, string actor, DateTime now)
    {
        EnsureMarkable();
        ScannedDocumentId = scannedDocumentId;
        foreach (var s in _signers.Where(s => s.Status == SignerStatus.Pending))
            s.Sign(new SignatureData(null, null, null, null, InPerson: true), now);
        Record(actor, new ProcedureMarkedSigned(scannedDocumentId));
        Complete(now);
    }

    public void EnsureMarkable()
    {
        if (Mode != ProcedureMode.Manual)
            throw new DomainException(ErrorCodes.InvalidTransition, "Seule une procédure « Marquer comme signé » peut être marquée signée.");
        EnsureStatus("marquer comme signée", ProcedureStatus.Ongoing);
    }

    private void Complete(DateTime now)
    {
        Status = ProcedureStatus.Completed;
        CompletedAt = now;
        Record("system", new ProcedureCompleted(_signers.Count));
    }

    /// <summary>
    /// A new draft with the same document and signers (their current contact details are taken at its launch).
    /// Allowed on cancelled, declined and expired procedures; an ongoing one must be cancelled first.
    /// </summary>
    public Procedure Relaunch(Func<Signer, SignerSnapshot> currentOf, string actor, DateTime now)
    {
        EnsureStatus("relancer", ProcedureStatus.Cancelled, ProcedureStatus.Declined, ProcedureStatus.Expired);
        if (ReplacedBy is not null)
            throw new DomainException(ErrorCodes.InvalidTransition, "Cette procédure a déjà été relancée.");
        // Settings carries every option; each signer keeps who they are, their role, their place and their order.
        var next = Create(AgencyId, DocumentId, Title, Settings, actor, now);
        next.Replaces = Id;
        foreach (var s in _signers.OrderBy(s => s.Order))
            next.AddSigner(s.ContactId, s.UserId, s.Role, s.Field, currentOf(s), actor);
        ReplacedBy = next.Id;
        Record(actor, new ProcedureRelaunched(next.Id));
        next.Record(actor, new ProcedureRelaunchOf(Id));
        return next;
    }
}
