using Paraphe.Web.Platform;

namespace Paraphe.Web.Outbox;

/// <summary>Wakes the dispatcher as soon as a transaction has queued messages.</summary>
public sealed class OutboxSignal : WakeUpSignal;
