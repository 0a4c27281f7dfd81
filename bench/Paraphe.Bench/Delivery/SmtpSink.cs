using System.Buffers;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Paraphe.Bench.Delivery;

/// <summary>The bench's SMTP server answers every message 250 OK, counts it and throws it away (no parsing, no storage).</summary>
public sealed class SmtpSink : MessageStore
{
    private long messages;
    private long bytes;

    public long Messages => Interlocked.Read(ref messages);
    public long Bytes => Interlocked.Read(ref bytes);

    /// <summary>The first message received, as it came on the wire (for the floors: the same email sent without Paraphe).</summary>
    public byte[]? Sample { get; private set; }

    public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
        ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref messages);
        Interlocked.Add(ref bytes, buffer.Length);
        if (Sample is null) lock (this) Sample ??= buffer.ToArray();
        return Task.FromResult(SmtpResponse.Ok);
    }
}
