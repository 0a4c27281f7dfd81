using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications;

namespace Paraphe.Web.Outbox;

/// <summary>
/// The primary provider with a fallback (`Paraphe:Sms:Fallback`). A temporary failure of the primary (timeout,
/// connection refused, 429, 5xx, our credentials or credits) sends that message through the fallback at once; after
/// <see cref="FailoverBreaker"/> opens, messages go straight to the fallback until the cool-down ends and one message
/// tries the primary again. A permanent refusal (a wrong number) is the client's fact, not an outage: no failover.
/// Each message sent by the fallback says so in its `sent` event.
/// </summary>
public sealed partial class FailoverSender(IMessageSender primary, IMessageSender fallback, FailoverBreaker breaker,
    ILogger<FailoverSender> log) : IMessageSender
{
    public string Name => primary.Name;
    public Channel Channel => primary.Channel;

    public IMessageSender Primary => primary;
    public IMessageSender Fallback => fallback;

    public async Task<SendReceipt> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        if (!breaker.AllowsPrimary(out var openSince))
        {
            var receipt = await fallback.SendAsync(message, ct);
            return receipt with { Note = $"secours : {primary.Name} en panne depuis {openSince:HH:mm:ss} UTC" };
        }
        try
        {
            var receipt = await primary.SendAsync(message, ct);
            if (breaker.Succeeded()) LogRecovered(primary.Name);
            return receipt;
        }
        catch (Exception e) when (IsTemporary(e, ct))
        {
            if (breaker.Failed()) LogOpened(primary.Name, fallback.Name, breaker.CoolDown.TotalSeconds);
            LogFailover(message.NotificationId, primary.Name, fallback.Name, e.Message);
            try
            {
                var receipt = await fallback.SendAsync(message, ct);
                return receipt with { Note = $"secours : {primary.Name} en échec : {e.Message}" };
            }
            catch (Exception f) when (IsTemporary(f, ct))
            {
                throw new SendFailedException($"{primary.Name} : {e.Message} ; {fallback.Name} : {f.Message}", permanent: false, f);
            }
        }
    }

    private static bool IsTemporary(Exception e, CancellationToken ct) => e switch
    {
        SendFailedException s => !s.Permanent,
        OperationCanceledException => !ct.IsCancellationRequested,
        _ => true,
    };

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Notification {NotificationId}: {Primary} failed ({Error}), sent through {Fallback}")]
    private partial void LogFailover(string notificationId, string primary, string fallback, string error);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Error, Message = "{Primary} considered down: messages go to {Fallback} for {CoolDownSeconds} s")]
    private partial void LogOpened(string primary, string fallback, double coolDownSeconds);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "{Primary} answers again: messages go through it")]
    private partial void LogRecovered(string primary);
}

/// <summary>
/// A small circuit breaker on the clock: closed (primary used); open after N consecutive temporary failures (fallback
/// only) for the cool-down; then half-open: the next message tries the primary, success closes, failure opens again.
/// </summary>
public sealed class FailoverBreaker(int failuresBeforeOpen, TimeSpan coolDown, TimeProvider clock)
{
    private readonly Lock gate = new();
    private int failures;
    private DateTimeOffset? openedAt;
    private bool tripped;

    public TimeSpan CoolDown => coolDown;

    /// <summary>Whether this message may try the primary; when not, since when it is considered down.</summary>
    public bool AllowsPrimary(out DateTimeOffset openSince)
    {
        lock (gate)
        {
            openSince = openedAt ?? default;
            return openedAt is null || clock.GetUtcNow() - openedAt.Value >= coolDown;
        }
    }

    /// <summary>Returns true when this success ends an outage.</summary>
    public bool Succeeded()
    {
        lock (gate)
        {
            var recovered = tripped;
            failures = 0;
            openedAt = null;
            tripped = false;
            return recovered;
        }
    }

    /// <summary>Returns true when this failure (newly) opens the breaker.</summary>
    public bool Failed()
    {
        lock (gate)
        {
            failures++;
            var halfOpenTrial = openedAt is not null;
            if (!halfOpenTrial && failures < Math.Max(1, failuresBeforeOpen)) return false;
            openedAt = clock.GetUtcNow();
            var opened = !tripped;
            tripped = true;
            return opened;
        }
    }
}
