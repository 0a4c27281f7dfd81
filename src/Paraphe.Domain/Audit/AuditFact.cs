using System.Text.Json.Serialization;

namespace Paraphe.Domain.Audit;

/// <summary>
/// Every event the audit trail can hold: a closed catalogue, one record type per event (<see cref="AuditFacts"/>),
/// one stored type string per kind (<see cref="AuditCatalogue"/>). Consumers switch over it with no discard arm
/// (CS8509 is an error), so a new kind cannot compile without its label on the status page and its wording on the
/// evidence page. Adding one: docs/ARCHITECTURE.md, « Adding an audit event ».
/// </summary>
public enum AuditKind
{
    ProcedureCreated,
    ProcedureUpdated,
    SignerAdded,
    SignerRemoved,
    ProcedureLaunched,
    ProcedureCancelled,
    ProcedureExpired,
    SignerLinkOpened,
    SignerSigned,
    SignerDeclined,
    SignerReminded,
    SignerInvited,
    SignerOtpSent,
    SignerOtpFailed,
    SignerOtpVerified,
    SignerOtpLocked,
    ProcedureMarkedSigned,
    ProcedureCompleted,
    ProcedureSealed,
    ProcedureSealingFailed,
    ProcedureSealingRetried,
    ProcedureSentToNotary,
    DocumentDownloaded,
    ProcedureRelaunched,
    ProcedureRelaunchOf,
    NotificationSent,
    NotificationDeferred,
    NotificationDelivered,
    NotificationFailed,
    ProcedureExpiringSoon,
    AlertRaised,
}

/// <summary>
/// What one audit event says: its data, serialised as the event's <c>Data</c> (snake_case keys in the order of the
/// record's parameters, nulls written, escaping of <see cref="AuditEvent"/>). A record's parameters are the stored
/// schema: renaming, reordering or retyping one changes the bytes of every future event — add a new kind instead.
/// </summary>
public abstract record AuditFact([property: JsonIgnore] AuditKind EventKind);
