using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using Paraphe.Testing;
using Paraphe.Web.Features.Notifications.Email;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Paraphe.Web.Tests.Email;

/// <summary>
/// A real SMTP server on loopback (<see cref="LoopbackSmtpServer"/>, Nagle off) that keeps what it receives.
/// Recipients say how it answers: `inconnu.…` → 550 5.1.1, `bloque.…` → 554 5.7.1, `retard.…` → 451 4.3.0 the first time, then accepted.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    public sealed record Received(string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo, MimeMessage Message, bool Secure);

    private readonly ConcurrentQueue<Received> received = new();
    private readonly ConcurrentDictionary<string, int> delayed = new(StringComparer.OrdinalIgnoreCase);
    private LoopbackSmtpServer server = null!;

    /// <summary>How many SMTP sessions (connections) were opened so far.</summary>
    public int Sessions => server.Sessions;

    public int Port => server.Port;
    public IReadOnlyCollection<Received> Messages => received;

    public static TestSmtpServer Start(X509Certificate2? startTlsCertificate = null)
    {
        var test = new TestSmtpServer();
        test.server = LoopbackSmtpServer.Start(new Store(test), new NoDelayListenerFactory(), startTlsCertificate);
        return test;
    }

    /// <summary>The message received for <paramref name="to"/>, waiting for it up to 30 s.</summary>
    public async Task<Received> WaitForAsync(string to)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var found = received.FirstOrDefault(r => r.EnvelopeTo.Contains(to, StringComparer.OrdinalIgnoreCase));
            if (found is not null) return found;
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
                throw new Xunit.Sdk.XunitException($"The test SMTP server received nothing for {to} in 10 s.");
            await Task.Delay(50);
        }
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();

    public static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    private sealed class Store(TestSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var to = transaction.To.Select(m => $"{m.User}@{m.Host}").ToList();
            var first = to[0];
            if (first.StartsWith("inconnu.", StringComparison.OrdinalIgnoreCase))
                return new SmtpResponse((SmtpReplyCode)550, $"5.1.1 <{first}>: Recipient address rejected: User unknown in virtual mailbox table");
            if (first.StartsWith("bloque.", StringComparison.OrdinalIgnoreCase))
                return new SmtpResponse((SmtpReplyCode)554, "5.7.1 Service unavailable; client host blocked using a reputation list");
            if (first.StartsWith("retard.", StringComparison.OrdinalIgnoreCase) && server.delayed.AddOrUpdate(first, 1, (_, n) => n + 1) == 1)
                return new SmtpResponse((SmtpReplyCode)451, "4.3.0 Temporary local problem, please try again later");

            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            var from = transaction.From is { } f ? $"{f.User}@{f.Host}" : "";
            server.received.Enqueue(new Received(from, to, message, context.Pipe.IsSecure));
            return SmtpResponse.Ok;
        }
    }
}
