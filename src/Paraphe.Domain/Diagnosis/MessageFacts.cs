using Paraphe.Domain.Notifications;

namespace Paraphe.Domain.Diagnosis;

/// <summary>
/// What the diagnosis reads of one message: a <see cref="Notification"/> loaded with its events, or a read model
/// holding the same columns (the list of procedures reads rows, not entities: issue 12). One diagnosis over both.
/// </summary>
public interface IMessageFacts
{
    string Id { get; }
    string? SignerId { get; }
    Channel Channel { get; }
    Purpose Purpose { get; }
    string To { get; }
    DeliveryStatus Status { get; }
    string? Error { get; }
    DeliveryFailure FailureKind { get; }
    DateTime CreatedAt { get; }
    DateTime UpdatedAt { get; }
    DateTime NextAttemptAt { get; }

    /// <summary>The delivery timeline in the order it was stored (ids growing).</summary>
    IReadOnlyList<IDeliveryEventFacts> Events { get; }
}

/// <summary>One step of a message's delivery timeline, as the diagnosis reads it.</summary>
public interface IDeliveryEventFacts
{
    long Id { get; }
    DeliveryStatus Status { get; }
    DateTime At { get; }
    string? Detail { get; }
}

public static class MessageFacts
{
    /// <summary>Delivered or failed: nothing moves it any more (<see cref="Notification.IsFinal"/>).</summary>
    public static bool IsFinal(this IMessageFacts n) => n.Status is DeliveryStatus.Delivered or DeliveryStatus.Failed;
}
