using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Paraphe.Data;
using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// The list's read model of a message (issue 12): the columns an item and the diagnosis read, projected from the
/// notifications of a page — no entity, no change tracking, no included collection. The diagnosis and the item mapping
/// are the ones `GET /procedures/{id}` runs on <see cref="Notification"/> entities (<see cref="IMessageFacts"/>);
/// test `ProcedureList` pins each item byte for byte to it.
/// </summary>
public sealed class ListedMessage : IMessageFacts
{
    public string Id { get; init; } = "";
    public string? ProcedureId { get; init; }
    public string? SignerId { get; init; }
    public Channel Channel { get; init; }
    public Purpose Purpose { get; init; }
    public string To { get; init; } = "";
    public DeliveryStatus Status { get; init; }
    public string? Error { get; init; }
    public DeliveryFailure FailureKind { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public DateTime NextAttemptAt { get; init; }

    /// <summary>The message's events, ids growing (the order an entity's included events come in).</summary>
    public List<ListedEvent> Timeline { get; } = [];

    IReadOnlyList<IDeliveryEventFacts> IMessageFacts.Events => Timeline;
}

public sealed record ListedEvent(long Id, DeliveryStatus Status, DateTime At, string? Detail) : IDeliveryEventFacts;

/// <summary>
/// The messages of a page of procedures, with their events, read through the driver (issue 12): two statements, the
/// columns the rows hold, read by ordinal. EF's projection of the same rows cost about twice the CPU (its query pipeline
/// and shaper per row; `--scenario list-page` measures both), its entities more than three times.
/// <para>
/// Tenant isolation, as EF's query filter would give it: both statements name the tenant's agency
/// (<see cref="ParapheDbContext.TenantAgencyId"/>; none, nothing is read), and the events are reached through their message,
/// so through its agency. The procedure ids come from the tenant-filtered page. Test `TenantIsolation` (the list of one
/// agency never shows another's messages) and `ProcedureList` (each item byte for byte `GET /procedures/{id}`, every
/// state a message can be in) hold it.
/// </para>
/// </summary>
public static class ListedMessages
{
    private const string Columns = "n.\"Id\", n.\"ProcedureId\", n.\"SignerId\", n.\"Channel\", n.\"Purpose\", n.\"To\", n.\"Status\", " +
                                   "n.\"Error\", n.\"FailureKind\", n.\"CreatedAt\", n.\"UpdatedAt\", n.\"NextAttemptAt\"";

    /// <summary>Each procedure's messages oldest first, then by id (the order `GET /procedures/{id}` gives), their events
    /// with ids growing.</summary>
    public static async Task<ILookup<string?, ListedMessage>> ForAsync(ParapheDbContext db, IReadOnlyList<string> procedureIds,
        CancellationToken ct)
    {
        if (procedureIds.Count == 0 || db.TenantAgencyId is not { } agency) return Array.Empty<ListedMessage>().ToLookup(m => m.ProcedureId);
        var messages = new Dictionary<string, ListedMessage>(procedureIds.Count * 6, StringComparer.Ordinal);
        var events = new List<(ListedMessage Message, ListedEvent Event)>(procedureIds.Count * 18);
        var where = $"WHERE n.\"AgencyId\" = @agency AND n.\"ProcedureId\" IN ({string.Join(", ", procedureIds.Select((_, i) => $"@p{i}"))})";
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using (var command = Command(db, $"SELECT {Columns} FROM \"notifications\" n {where}", agency, procedureIds))
            await using (var r = await command.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct))
                {
                    var m = new ListedMessage
                    {
                        Id = r.GetString(0), ProcedureId = r.GetString(1), SignerId = r.IsDBNull(2) ? null : r.GetString(2),
                        Channel = RowValues.Enum<Channel>(r.GetString(3)), Purpose = RowValues.Enum<Purpose>(r.GetString(4)), To = r.GetString(5),
                        Status = RowValues.Enum<DeliveryStatus>(r.GetString(6)), Error = r.IsDBNull(7) ? null : r.GetString(7),
                        FailureKind = RowValues.Enum<DeliveryFailure>(r.GetString(8)), CreatedAt = RowValues.Utc(r, 9),
                        UpdatedAt = RowValues.Utc(r, 10), NextAttemptAt = RowValues.Utc(r, 11),
                    };
                    messages[m.Id] = m;
                }
            await using (var command = Command(db, "SELECT e.\"NotificationId\", e.\"Id\", e.\"Status\", e.\"At\", e.\"Detail\" " +
                             $"FROM \"notifications\" n JOIN \"notification_events\" e ON e.\"NotificationId\" = n.\"Id\" {where}", agency, procedureIds))
            await using (var r = await command.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct))
                    if (messages.TryGetValue(r.GetString(0), out var m))
                        events.Add((m, new ListedEvent(r.GetInt64(1), RowValues.Enum<DeliveryStatus>(r.GetString(2)), RowValues.Utc(r, 3),
                            r.IsDBNull(4) ? null : r.GetString(4))));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        events.Sort((a, b) => a.Event.Id.CompareTo(b.Event.Id));
        foreach (var (m, e) in events) m.Timeline.Add(e);
        return messages.Values.OrderBy(n => n.CreatedAt).ThenBy(n => n.Id, StringComparer.Ordinal).ToLookup(n => n.ProcedureId);
    }

    internal static System.Data.Common.DbCommand Command(ParapheDbContext db, string sql, string agency, IReadOnlyList<string> ids)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        Add(command, "@agency", agency);
        for (var i = 0; i < ids.Count; i++) Add(command, $"@p{i}", ids[i]);
        return command;
    }

    private static void Add(System.Data.Common.DbCommand command, string name, string value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
