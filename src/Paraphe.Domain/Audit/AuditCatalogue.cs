using System.Text.Json;

namespace Paraphe.Domain.Audit;

/// <summary>
/// The closed catalogue of audit events: for each <see cref="AuditKind"/>, the type string stored in
/// <c>audit_events.type</c> and the record its data is read into. Writing serialises a record exactly as the
/// dictionaries of earlier versions were (the stored fixtures prove it); reading is for display and evidence, and
/// never rewrites the stored bytes.
/// </summary>
public static class AuditCatalogue
{
    /// <summary>The stored type and the record of each kind. A new kind gets its line here (the switch has no discard).</summary>
    public static (string Type, Type Record) Entry(AuditKind kind) => kind switch
    {
        AuditKind.ProcedureCreated => ("procedure.created", typeof(ProcedureCreated)),
        AuditKind.ProcedureUpdated => ("procedure.updated", typeof(ProcedureUpdated)),
        AuditKind.SignerAdded => ("signer.added", typeof(SignerAdded)),
        AuditKind.SignerRemoved => ("signer.removed", typeof(SignerRemoved)),
        AuditKind.ProcedureLaunched => ("procedure.launched", typeof(ProcedureLaunched)),
        AuditKind.ProcedureCancelled => ("procedure.cancelled", typeof(ProcedureCancelled)),
        AuditKind.ProcedureExpired => ("procedure.expired", typeof(ProcedureExpired)),
        AuditKind.SignerLinkOpened => ("signer.link_opened", typeof(SignerLinkOpened)),
        AuditKind.SignerSigned => ("signer.signed", typeof(SignerSigned)),
        AuditKind.SignerDeclined => ("signer.declined", typeof(SignerDeclined)),
        AuditKind.SignerReminded => ("signer.reminded", typeof(SignerReminded)),
        AuditKind.SignerInvited => ("signer.invited", typeof(SignerInvited)),
        AuditKind.SignerOtpSent => ("signer.otp_sent", typeof(SignerOtpSent)),
        AuditKind.SignerOtpFailed => ("signer.otp_failed", typeof(SignerOtpFailed)),
        AuditKind.SignerOtpVerified => ("signer.otp_verified", typeof(SignerOtpVerified)),
        AuditKind.SignerOtpLocked => ("signer.otp_locked", typeof(SignerOtpLocked)),
        AuditKind.ProcedureMarkedSigned => ("procedure.marked_signed", typeof(ProcedureMarkedSigned)),
        AuditKind.ProcedureCompleted => ("procedure.completed", typeof(ProcedureCompleted)),
        AuditKind.ProcedureSealed => ("procedure.sealed", typeof(ProcedureSealed)),
        AuditKind.ProcedureSealingFailed => ("procedure.sealing_failed", typeof(ProcedureSealingFailed)),
        AuditKind.ProcedureSealingRetried => ("procedure.sealing_retried", typeof(ProcedureSealingRetried)),
        AuditKind.ProcedureSentToNotary => ("procedure.sent_to_notary", typeof(ProcedureSentToNotary)),
        AuditKind.DocumentDownloaded => ("document.downloaded", typeof(DocumentDownloaded)),
        AuditKind.ProcedureRelaunched => ("procedure.relaunched", typeof(ProcedureRelaunched)),
        AuditKind.ProcedureRelaunchOf => ("procedure.relaunch_of", typeof(ProcedureRelaunchOf)),
        AuditKind.NotificationSent => ("notification.sent", typeof(NotificationSent)),
        AuditKind.NotificationDeferred => ("notification.deferred", typeof(NotificationDeferred)),
        AuditKind.NotificationDelivered => ("notification.delivered", typeof(NotificationDelivered)),
        AuditKind.NotificationFailed => ("notification.failed", typeof(NotificationFailed)),
        AuditKind.ProcedureExpiringSoon => ("procedure.expiring_soon", typeof(ProcedureExpiringSoon)),
        AuditKind.AlertRaised => ("alert.raised", typeof(AlertRaised)),
    };

    public static IReadOnlyList<AuditKind> Kinds { get; } = Enum.GetValues<AuditKind>();

    private static readonly Dictionary<string, AuditKind> ByType = Kinds.ToDictionary(k => Entry(k).Type, StringComparer.Ordinal);

    /// <summary>The type string stored for <paramref name="kind"/> (<c>signer.signed</c>).</summary>
    public static string TypeOf(AuditKind kind) => Entry(kind).Type;

    /// <summary>The kind of a stored type string; null for a type this version does not know (data of another version).</summary>
    public static AuditKind? KindOf(string type) => ByType.TryGetValue(type, out var kind) ? kind : null;

    /// <summary>The event's data as stored and hashed.</summary>
    public static string Serialize(AuditFact fact)
    {
        var record = Entry(fact.EventKind).Record;
        if (fact.GetType() != record)
            throw new InvalidOperationException($"{fact.GetType().Name} says it is {fact.EventKind}, whose record is {record.Name}.");
        return JsonSerializer.Serialize(fact, record, AuditEvent.DataJson);
    }

    /// <summary>
    /// A stored event read back into its record; null when the type is not in this catalogue or its data does not
    /// fit the record (the caller then shows the stored type and data as they are).
    /// </summary>
    public static AuditFact? Read(string type, string data)
    {
        if (KindOf(type) is not { } kind) return null;
        try
        {
            return JsonSerializer.Deserialize(data, Entry(kind).Record, AuditEvent.DataJson) as AuditFact;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <inheritdoc cref="Read(string, string)"/>
    public static AuditFact? Read(AuditEvent stored) => Read(stored.Type, stored.Data);
}
