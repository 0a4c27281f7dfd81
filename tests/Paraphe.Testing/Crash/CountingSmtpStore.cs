using System.Buffers;
using System.Collections.Concurrent;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Paraphe.Testing.Crash;

/// <summary>
/// An SMTP message store that counts what it accepts by Paraphe's notification id, read from the VERP envelope sender
/// (`bounces+&lt;id&gt;@…`), and can answer every message with a temporary refusal while <see cref="Refusing"/> is set
/// (a provider outage). <see cref="Delay"/> paces it like a real MTA.
/// </summary>
public sealed class CountingSmtpStore : MessageStore
{
    private readonly ConcurrentDictionary<string, int> received = new(StringComparer.Ordinal);
    private int refused;
    private int saving;

    public TimeSpan Delay { get; set; }

    /// <summary>When set, every message is answered with <see cref="RefusalCode"/> (try again later) and not kept.</summary>
    public bool Refusing { get; set; }

    /// <summary>`451` (local problem) by default; `421` (service not available, closing) is the other temporary answer.</summary>
    public int RefusalCode { get; set; } = 451;

    public int Refused => Volatile.Read(ref refused);

    /// <summary>
    /// Messages whose data has arrived and which are still being paced (<see cref="Delay"/>) before they are counted: a
    /// client killed meanwhile has still handed them over, and they are counted once this falls to 0.
    /// </summary>
    public int Saving => Volatile.Read(ref saving);

    /// <summary>Times each notification id was accepted.</summary>
    public IReadOnlyDictionary<string, int> Received => received;

    public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
        ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref saving);
        try
        {
            if (Delay > TimeSpan.Zero) await Task.Delay(Delay, cancellationToken);
            if (Refusing)
            {
                Interlocked.Increment(ref refused);
                return RefusalCode == 421
                    ? new SmtpResponse((SmtpReplyCode)421, "4.3.2 Service not available, closing transmission channel")
                    : new SmtpResponse((SmtpReplyCode)RefusalCode, "4.3.0 Temporary local problem, please try again later");
            }
            var user = transaction.From?.User ?? "";
            var plus = user.IndexOf('+', StringComparison.Ordinal);
            var id = plus >= 0 ? user[(plus + 1)..] : "(no VERP id) " + user;
            received.AddOrUpdate(id, 1, (_, n) => n + 1);
            return SmtpResponse.Ok;
        }
        finally
        {
            Interlocked.Decrement(ref saving);
        }
    }
}
