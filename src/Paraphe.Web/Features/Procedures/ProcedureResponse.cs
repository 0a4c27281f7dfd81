using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Contacts;
using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Procedures;

public sealed record FieldDto(int Page, double X, double Y, double Width, double Height);

public sealed record NotificationEventResponse(DeliveryStatus Status, DateTime At, string? Detail);

/// <param name="Diagnosis">For a message that belongs to no signer (the notary's, the agent's copy): where it stands and
/// what to do; a signer's messages are diagnosed in <c>signers[].diagnosis</c>.</param>
public sealed record NotificationResponse(string Id, Channel Channel, Purpose Purpose, string To, DeliveryStatus Status,
    string? Error, DateTime CreatedAt, IReadOnlyList<NotificationEventResponse> Events, DiagnosisResponse? Diagnosis = null);

/// <param name="ActionKind">correct_and_relaunch | launch | remind | wait | use_suggestion, or null.</param>
public sealed record DiagnosisResponse(string Code, string Severity, string Message, string Action, string? ActionKind,
    string? Suggestion);

/// <param name="ReminderChannels">remote: the channels a reminder would use now (none known bad: email and sms; none at all:
/// every channel is known bad and a reminder is refused with contact_unreachable).</param>
/// <param name="AwaitingTurn">sequential order: not invited yet, waiting for the earlier signers.</param>
public sealed record SignerResponse(
    string Id, string? ContactId, string? UserId, int Order, string FirstName, string LastName, string Email, string Mobile,
    string Language, string Role, SignerStatus Status, FieldDto? Field, DateTime? InvitedAt, DateTime? OpenedAt, DateTime? SignedAt,
    DateTime? DeclinedAt, string? DeclineReason, bool SignedInPerson, DateTime? NextReminderAt, int RemindersSent,
    IReadOnlyList<NotificationResponse> Notifications, IReadOnlyList<DiagnosisResponse> Diagnosis,
    IReadOnlyList<string>? ReminderChannels = null, bool AwaitingTurn = false);

public sealed record ProcedureResponse(
    string Id, string Title, ProcedureStatus Status, string Mode, string DocumentId, bool Otp, int ExpiresInDays,
    ReminderSettings Reminders, DateTime CreatedAt, DateTime? LaunchedAt, DateTime? CompletedAt, DateTime? CancelledAt,
    string? CancelReason, DateTime? DeclinedAt, DateTime? ExpiresAt, string? DocumentSha256, string? ScannedDocumentId,
    string? Replaces, string? ReplacedBy, IReadOnlyList<SignerResponse> Signers,
    DateTime? SealedAt, string? SealedSha256, string? SignedDocumentUrl, IReadOnlyList<NotificationResponse> Notifications,
    Completion.SealingResponse? Sealing = null, string SigningOrder = "parallel", bool NeedsAttention = false,
    ReminderOutcome? Reminder = null, string? Message = null, string? AgentUserId = null);

/// <summary>What a reminder did (`POST …/remind`): the channels used, and why one was left out.</summary>
/// <param name="Channels">email and/or sms.</param>
/// <param name="Note">« Relance envoyée par SMS uniquement : l'adresse email n'existe pas. », or null when both were used.</param>
public sealed record ReminderOutcome(string SignerId, IReadOnlyList<string> Channels, string? Note);

public sealed record ReminderSettings(int IntervalDays, int Max);

public static class ProcedureMapping
{
    public static async Task<Procedure> FindAsync(ParapheDbContext db, string id, CancellationToken ct) =>
        await db.Procedures.FirstOrDefaultAsync(p => p.Id == id, ct)
        ?? throw new DomainException(ErrorCodes.NotFound, "Procédure introuvable.");

    /// <summary>The full representation, with each signer's notifications and their delivery timeline.</summary>
    public static async Task<ProcedureResponse> ToResponseAsync(this Procedure p, ParapheDbContext db, CancellationToken ct)
    {
        await DraftSigners.RefreshAsync(db, p, ct);
        var notifications = await db.Notifications.IgnoreQueryFilters().AsNoTracking().Include(n => n.Events)
            .Where(n => n.ProcedureId == p.Id).OrderBy(n => n.CreatedAt).ToListAsync(ct);
        var job = await db.SealingJobs.AsNoTracking().FirstOrDefaultAsync(j => j.ProcedureId == p.Id, ct);
        return p.ToResponse(notifications, db.UtcNow, job);
    }

    /// <param name="notifications">the procedure's messages with their events, oldest first: entities, or the list's rows.</param>
    public static ProcedureResponse ToResponse(this Procedure p, IReadOnlyList<IMessageFacts> notifications, DateTime now,
        Data.Records.SealingJob? sealingJob = null) => p.ToResponse(notifications, new DiagnosisClock(now), sealingJob);

    /// <param name="now">the time the diagnosis reads; it records until when the representation holds with time alone
    /// (the diagnosis is the only part that reads the time).</param>
    public static ProcedureResponse ToResponse(this Procedure p, IReadOnlyList<IMessageFacts> notifications, DiagnosisClock now,
        Data.Records.SealingJob? sealingJob)
    {
        var diagnosis = SignerDiagnosis.ForProcedure(p, notifications, now);
        return new(
        p.Id, p.Title, p.Status, Procedure.Wire(p.Mode), p.DocumentId, p.Otp, p.ExpiresInDays,
        new ReminderSettings(p.ReminderIntervalDays, p.ReminderMax), p.CreatedAt, p.LaunchedAt, p.CompletedAt,
        p.CancelledAt, p.CancelReason, p.DeclinedAt, p.ExpiresAt, p.DocumentSha256, p.ScannedDocumentId,
        p.Replaces, p.ReplacedBy,
        p.Signers.OrderBy(s => s.Order)
            .Select(s => s.ToResponse(p, notifications.Where(n => n.SignerId == s.Id), diagnosis[s.Id])).ToList(),
        p.SealedAt, p.SealedSha256, p.IsSealed ? $"/api/v1/procedures/{p.Id}/signed-document" : null,
        notifications.Where(n => n.SignerId is null)
            .Select(n => ToResponse(n) with { Diagnosis = ToResponse(DocumentMessageDiagnosis.For(n)) }).ToList(),
        Completion.SealingResponse.Of(p, sealingJob), Procedure.Wire(p.SigningOrder),
        AttentionRule.NeedsAgent(p, diagnosis, sealingJob), Message: p.Message, AgentUserId: p.AgentUserId);
    }

    private static NotificationResponse ToResponse(IMessageFacts n) => new(n.Id, n.Channel, n.Purpose, n.To, n.Status, n.Error,
        n.CreatedAt, n.Events.OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => new NotificationEventResponse(e.Status, e.At, e.Detail)).ToList());

    private static SignerResponse ToResponse(this Signer s, Procedure p, IEnumerable<IMessageFacts> notifications,
        IReadOnlyList<Finding> diagnosis) => new(
        s.Id, s.ContactId, s.UserId, s.Order, s.FirstName, s.LastName, s.Email, s.Mobile, Languages.Wire(s.Language), s.Role, s.Status,
        s.Field is { } f ? new FieldDto(f.Page, f.X, f.Y, f.Width, f.Height) : null,
        s.InvitedAt, s.OpenedAt, s.SignedAt, s.DeclinedAt, s.DeclineReason, s.SignedInPerson,
        p.Mode == ProcedureMode.Remote && p.Status == ProcedureStatus.Ongoing && s.Status == SignerStatus.Pending ? s.NextManualReminderAt : null,
        s.RemindersSent,
        notifications.Select(ToResponse).ToList(),
        diagnosis.Select(ToResponse).ToList(),
        p.Mode == ProcedureMode.Remote
            ? ChannelHealth.Of(s, notifications).UsableChannels.Select(c => c == Channel.Email ? "email" : "sms").ToList()
            : [],
        p.Status == ProcedureStatus.Ongoing && p.IsWaitingForTurn(s));

    private static DiagnosisResponse ToResponse(Finding d) =>
        new(d.Code, Wire(d.Severity), d.Message, d.Action, d.ActionKind, d.Suggestion);

    private static string Wire(Severity severity) => severity switch
    {
        Severity.Info => "info",
        Severity.Warning => "warning",
        Severity.Error => "error",
    };
}
