using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;

namespace Paraphe.Domain.Procedures;

/// <summary>
/// A signature procedure: one document, its signers, a mode and options. Owns its life cycle:
/// draft → ongoing → completed | declined | cancelled | expired. Once launched nothing about the
/// document or the signers' coordinates can change: the agent cancels, corrects and relaunches.
/// </summary>
public sealed partial class Procedure
{
    private readonly List<Signer> _signers = [];
    private readonly List<ProcedureEvent> _pendingEvents = [];

    private Procedure() { }

    public string Id { get; private set; } = "";
    public string AgencyId { get; private set; } = "";
    public string DocumentId { get; private set; } = "";
    public string Title { get; private set; } = "";
    public ProcedureMode Mode { get; private set; }
    public bool Otp { get; private set; }
    public int ExpiresInDays { get; private set; } = ProcedureRules.DefaultExpiryDays;
    public int ReminderIntervalDays { get; private set; } = ProcedureRules.DefaultReminderIntervalDays;
    public int ReminderMax { get; private set; } = ProcedureRules.DefaultReminderMax;
    public ProcedureStatus Status { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime? LaunchedAt { get; private set; }
    public DateTime? ExpiresAt { get; private set; }
    public DateTime? CompletedAt { get; private set; }
    public DateTime? CancelledAt { get; private set; }
    public string? CancelReason { get; private set; }
    public DateTime? DeclinedAt { get; private set; }
    public DateTime? ExpiredAt { get; private set; }
    /// <summary>SHA-256 of the document, frozen at launch.</summary>
    public string? DocumentSha256 { get; private set; }
    /// <summary>Manual mode: the scanned signed copy, when the agent uploaded one.</summary>
    public string? ScannedDocumentId { get; private set; }
    public string? Replaces { get; private set; }
    /// <summary>The agency user alerts go to (the one who created it in the app, or named on the API); null: the directors.</summary>
    public string? AgentUserId { get; private set; }
    /// <summary>The agent's optional personal message to the signers, quoted in the invitation email.</summary>
    public string? Message { get; private set; }
    /// <summary>When the agent was alerted that the procedure is about to expire (once).</summary>
    public DateTime? ExpiryWarnedAt { get; private set; }
    public string? ReplacedBy { get; private set; }
    /// <summary>Optimistic concurrency: two writers on one procedure never both win.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<Signer> Signers => _signers;

    /// <summary>Changes not yet written to the audit trail; drained on save.</summary>
    public IReadOnlyList<ProcedureEvent> PendingEvents => _pendingEvents;

    public bool IsDraft => Status == ProcedureStatus.Draft;
    public bool IsFinished => Status is not (ProcedureStatus.Draft or ProcedureStatus.Ongoing);

    public void ClearPendingEvents() => _pendingEvents.Clear();

    public Signer Signer(string signerId) =>
        _signers.FirstOrDefault(s => s.Id == signerId)
        ?? throw new DomainException(ErrorCodes.NotFound, "Signataire introuvable dans cette procédure.");

    /// <summary>
    /// Everything the agent chooses about a procedure besides its document and signers. A new setting goes here, in
    /// <see cref="ApplyOptions"/> and in <see cref="Settings"/>: the relaunch copies a procedure through these three and
    /// nothing else (ProcedureRelaunchCopiesEverything fails on a property it does not carry over).
    /// </summary>
    /// <param name="SigningOrder">null keeps the current one (parallel for a new procedure).</param>
    /// <param name="Message">null keeps the current message; blank removes it.</param>
    /// <param name="AgentUserId">null keeps the current agent (the caller checks that the user is in the agency).</param>
    public sealed record Options(ProcedureMode Mode, bool Otp = false, int? ExpiresInDays = null,
        int? ReminderIntervalDays = null, int? ReminderMax = null, SigningOrder? SigningOrder = null,
        string? Message = null, string? AgentUserId = null);

    /// <summary>This procedure's settings, as given to <see cref="Create"/>: what a relaunch carries over.</summary>
    public Options Settings => new(Mode, Otp, ExpiresInDays, ReminderIntervalDays, ReminderMax, SigningOrder, Message, AgentUserId);

    public static Procedure Create(string agencyId, string documentId, string title, Options options, string actor, DateTime now)
    {
        var p = new Procedure
        {
            Id = Ids.Procedure(), AgencyId = agencyId, DocumentId = documentId, Title = title,
            Status = ProcedureStatus.Draft, CreatedBy = actor, CreatedAt = now,
        };
        p.ApplyOptions(options);
        p.Record(actor, new ProcedureCreated(Wire(p.Mode), documentId, p.Otp, Wire(p.SigningOrder)));
        return p;
    }

    /// <summary>Draft only: change the mode, options or document.</summary>
    public void Update(Options options, string? documentId, string? title, string actor)
    {
        EnsureDraft();
        ApplyOptions(options);
        if (documentId is not null)
        {
            DocumentId = documentId;
            Title = title ?? Title;
        }
        Record(actor, new ProcedureUpdated(Wire(Mode), Otp, ExpiresInDays, ReminderIntervalDays, ReminderMax, DocumentId, Wire(SigningOrder)));
    }

    public Signer AddSigner(string? contactId, string? userId, string? role, SignatureField? field, SignerSnapshot current, string actor)
    {
        EnsureDraft();
        if ((contactId is null) == (userId is null))
            throw Invalid("signers", "Un signataire est soit un contact, soit un utilisateur de l'agence.");
        if (field is { Page: < 1 } or { Width: <= 0 } or { Height: <= 0 } or { X: < 0 } or { Y: < 0 })
            throw Invalid("field", "L'emplacement de signature doit être sur une page (≥ 1) avec une taille positive.");
        TextInput.Ensure("role", role?.Trim(), TextInput.Role);
        if (_signers.Any(s => (contactId is not null && s.ContactId == contactId) || (userId is not null && s.UserId == userId)))
            throw Invalid("signers", "Cette personne est déjà signataire de la procédure.");
        // After a removal, Count + 1 could repeat an existing order.
        var order = _signers.Count == 0 ? 1 : _signers.Max(s => s.Order) + 1;
        var signer = Procedures.Signer.Create(Id, contactId, userId, order, role, field, current);
        _signers.Add(signer);
        Record(actor, new SignerAdded(signer.Id, contactId, userId, signer.Role));
        return signer;
    }

    /// <summary>
    /// A draft's signers follow their contact until launch (launch freezes them): the draft shows what launch will use.
    /// No audit event: nothing about the procedure changed, its launch records the coordinates it froze.
    /// </summary>
    public void RefreshDraftSigners(string contactId, SignerSnapshot current)
    {
        if (!IsDraft) return;
        foreach (var s in _signers.Where(s => s.ContactId == contactId)) s.Refresh(current);
    }

    public void RemoveSigner(string signerId, string actor)
    {
        EnsureDraft();
        var signer = Signer(signerId);
        _signers.Remove(signer);
        // Orders stay 1..n: the next added signer gets Count + 1, and launch errors name signers by position.
        var order = 1;
        foreach (var s in _signers.OrderBy(s => s.Order)) s.MoveTo(order++);
        Record(actor, new SignerRemoved(signerId));
    }

    /// <summary>What is wrong with these options (given values only: an absent one keeps a valid value), by field.</summary>
    public static Dictionary<string, string[]> OptionErrors(Options o)
    {
        var errors = new Dictionary<string, string[]>();
        if (o.ExpiresInDays is < ProcedureRules.MinExpiryDays or > ProcedureRules.MaxExpiryDays)
            errors["expires_in_days"] = [$"La durée de validité va de {ProcedureRules.MinExpiryDays} à {ProcedureRules.MaxExpiryDays} jours."];
        if (o.ReminderIntervalDays is < 2 or > 60)
            errors["reminders.interval_days"] = ["Les relances automatiques sont espacées de 2 à 60 jours."];
        if (o.ReminderMax is < 0 or > 10)
            errors["reminders.max"] = ["De 0 à 10 relances automatiques."];
        TextInput.Check(errors, "message", NormalisedMessage(o.Message), TextInput.Message);
        return errors;
    }

    /// <summary>The personal message as stored: trimmed, \n line endings, null when blank.</summary>
    private static string? NormalisedMessage(string? message) =>
        string.IsNullOrWhiteSpace(message) ? null : message.Trim().ReplaceLineEndings("\n");

    private void ApplyOptions(Options o)
    {
        var errors = OptionErrors(o);
        if (errors.Count > 0)
            throw new DomainException(ErrorCodes.ValidationFailed, "Les options de la procédure ne sont pas valides.", errors);
        var (expires, interval, max) = (o.ExpiresInDays ?? ExpiresInDays, o.ReminderIntervalDays ?? ReminderIntervalDays, o.ReminderMax ?? ReminderMax);
        // A form posts CRLF: stored with \n, as the API sends it.
        var message = o.Message is null ? Message : NormalisedMessage(o.Message);
        Message = message;
        AgentUserId = o.AgentUserId ?? AgentUserId;
        Mode = o.Mode;
        Otp = o.Otp;
        ExpiresInDays = expires;
        ReminderIntervalDays = interval;
        ReminderMax = max;
        SigningOrder = o.SigningOrder ?? SigningOrder;
    }

    public void EnsureDraft()
    {
        if (!IsDraft)
            throw new DomainException(ErrorCodes.ProcedureLocked,
                "La procédure est lancée : le document et les coordonnées des signataires ne peuvent plus être modifiés. " +
                "Pour corriger, annulez la procédure, corrigez puis relancez-la (« Nouvelle procédure corrigée »).");
    }

    private void EnsureStatus(string action, params ProcedureStatus[] allowed)
    {
        if (!allowed.Contains(Status))
            throw new DomainException(ErrorCodes.InvalidTransition,
                $"Impossible de {action} : la procédure est {Label(Status)}.");
    }

    private static DomainException Invalid(string field, string message) =>
        new(ErrorCodes.ValidationFailed, message, new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>Every change is one record of the audit catalogue (<see cref="AuditFact"/>), written with the change.</summary>
    private void Record(string actor, AuditFact fact)
    {
        Version++;
        _pendingEvents.Add(new ProcedureEvent(actor, fact));
    }

    public static string Wire(ProcedureMode mode) => mode switch
    {
        ProcedureMode.Manual => "manual",
        ProcedureMode.InPerson => "in_person",
        ProcedureMode.Remote => "remote",
    };

    public static string Label(ProcedureStatus status) => status switch
    {
        ProcedureStatus.Draft => "en brouillon",
        ProcedureStatus.Ongoing => "en cours",
        ProcedureStatus.Completed => "terminée",
        ProcedureStatus.Declined => "refusée",
        ProcedureStatus.Cancelled => "annulée",
        ProcedureStatus.Expired => "expirée",
    };
}
