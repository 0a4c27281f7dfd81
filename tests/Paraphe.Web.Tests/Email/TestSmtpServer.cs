using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
/// A real SMTP server on loopback (the SmtpServer package) that keeps what it receives. Recipients say how it
/// answers: `inconnu.…` → 550 5.1.1, `bloque.…` → 554 5.7.1, `retard.…` → 451 4.3.0 the first time, then accepted.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    public sealed record Received(string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo, MimeMessage Message, bool Secure);

    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentQueue<Received> received = new();
    private readonly ConcurrentDictionary<string, int> delayed = new(StringComparer.OrdinalIgnoreCase);
    private Task running = Task.CompletedTask;
    private int sessions;

    /// <summary>How many SMTP sessions (connections) were opened so far.</summary>
    public int Sessions => Volatile.Read(ref sessions);

    public int Port { get; private set; }
    public IReadOnlyCollection<Received> Messages => received;

    public static TestSmtpServer Start(X509Certificate2? startTlsCertificate = null)
    {
        var server = new TestSmtpServer();
        for (var attempt = 0; ; attempt++)
        {
            server.Port = FreeTcpPort.Next();
            var options = new SmtpServerOptionsBuilder().ServerName("mx.test")
                .Endpoint(b =>
                {
                    b.Endpoint(new IPEndPoint(IPAddress.Loopback, server.Port));
                    if (startTlsCertificate is not null) b.Certificate(startTlsCertificate);
                })
                .Build();
            var services = new SmtpServer.ComponentModel.ServiceProvider();
            services.Add(new NoDelayListenerFactory());
            services.Add(new Store(server));
            var smtp = new SmtpServer.SmtpServer(options, services);
            smtp.SessionCreated += (_, _) => Interlocked.Increment(ref server.sessions);
            server.running = smtp.StartAsync(server.stop.Token);
            if (WaitUntilListening(server.Port, server.running)) return server;
            if (attempt == 5) throw new InvalidOperationException("The test SMTP server did not start.", server.running.Exception);
        }
    }

    /// <summary>Whether something accepts connections on <paramref name="port"/> within 5 s (false if <paramref name="running"/> died).</summary>
    public static bool WaitUntilListening(int port, Task? running = null)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (running is { IsCompleted: true }) return false;
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        return false;
    }

    /// <summary>The message received for <paramref name="to"/>, waiting for it up to 10 s.</summary>
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

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try { await running; }
        catch (OperationCanceledException) { }
        stop.Dispose();
    }

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
