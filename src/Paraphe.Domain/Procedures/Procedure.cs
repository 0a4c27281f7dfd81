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

    /// <param name="Message">null keeps the current message; blank removes it.</param>
    /// <param name="AgentUserId">null keeps the current agent (the caller checks that the user is in the agency).</param>
    public sealed record Options(ProcedureMode Mode, bool Otp = false, int? ExpiresInDays = null,
        int? ReminderIntervalDays = null, int? ReminderMax = null, string? Message = null, string? AgentUserId = null);

    public static Procedure Create(string agencyId, string documentId, string title, Options options, string actor, DateTime now)
    {
        var p = new Procedure
        {
            Id = Ids.Procedure(), AgencyId = agencyId, DocumentId = documentId, Title = title,
            Status = ProcedureStatus.Draft, CreatedBy = actor, CreatedAt = now,
        };
        p.ApplyOptions(options);
        p.Record("procedure.created", actor, new() { ["mode"] = Wire(p.Mode), ["document_id"] = documentId, ["otp"] = p.Otp });
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
        Record("procedure.updated", actor, new()
        {
            ["mode"] = Wire(Mode), ["otp"] = Otp, ["expires_in_days"] = ExpiresInDays,
            ["reminder_interval_days"] = ReminderIntervalDays, ["reminder_max"] = ReminderMax, ["document_id"] = DocumentId,
        });
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
        Record("signer.added", actor, new() { ["signer_id"] = signer.Id, ["contact_id"] = contactId, ["user_id"] = userId, ["role"] = signer.Role });
        return signer;
    }

    public void RemoveSigner(string signerId, string actor)
    {
        EnsureDraft();
        var signer = Signer(signerId);
        _signers.Remove(signer);
        // Orders stay 1..n: the next added signer gets Count + 1, and launch errors name signers by position.
        var order = 1;
        foreach (var s in _signers.OrderBy(s => s.Order)) s.MoveTo(order++);
        Record("signer.removed", actor, new() { ["signer_id"] = signerId });
    }

    private void ApplyOptions(Options o)
    {
        var errors = new Dictionary<string, string[]>();
        var expires = o.ExpiresInDays ?? ExpiresInDays;
        if (expires is < ProcedureRules.MinExpiryDays or > ProcedureRules.MaxExpiryDays)
            errors["expires_in_days"] = [$"La durée de validité va de {ProcedureRules.MinExpiryDays} à {ProcedureRules.MaxExpiryDays} jours."];
        var interval = o.ReminderIntervalDays ?? ReminderIntervalDays;
        if (interval is < 2 or > 60)
            errors["reminders.interval_days"] = ["Les relances automatiques sont espacées de 2 à 60 jours."];
        var max = o.ReminderMax ?? ReminderMax;
        if (max is < 0 or > 10)
            errors["reminders.max"] = ["De 0 à 10 relances automatiques."];
        // A form posts CRLF: stored with \n, as the API sends it.
        var message = o.Message is null ? Message : string.IsNullOrWhiteSpace(o.Message) ? null : o.Message.Trim().ReplaceLineEndings("\n");
        TextInput.Check(errors, "message", message, TextInput.Message);
        if (errors.Count > 0)
            throw new DomainException(ErrorCodes.ValidationFailed, "Les options de la procédure ne sont pas valides.", errors);
        Message = message;
        AgentUserId = o.AgentUserId ?? AgentUserId;
        Mode = o.Mode;
        Otp = o.Otp;
        ExpiresInDays = expires;
        ReminderIntervalDays = interval;
        ReminderMax = max;
    }

    public void EnsureDraft()
    {
        if (!IsDraft)
            throw new DomainException(ErrorCodes.ProcedureLocked,
                "La procédure est lancée : le document et les coordonnées des signataires ne peuvent plus être modifiés. " +
                "Pour corriger, annulez la procédure, corrigez puis relancez-la (« Corriger et relancer »).");
    }

    private void EnsureStatus(string action, params ProcedureStatus[] allowed)
    {
        if (!allowed.Contains(Status))
            throw new DomainException(ErrorCodes.InvalidTransition,
                $"Impossible de {action} : la procédure est {Label(Status)}.");
    }

    private static DomainException Invalid(string field, string message) =>
        new(ErrorCodes.ValidationFailed, message, new Dictionary<string, string[]> { [field] = [message] });

    private void Record(string type, string actor, Dictionary<string, object?> data)
    {
        Version++;
        _pendingEvents.Add(new ProcedureEvent(type, actor, data));
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
