using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using SmtpServer;
using SmtpServer.Net;
using SmtpServer.Storage;

namespace Paraphe.Testing;

/// <summary>
/// A real SMTP server (the SmtpServer package) on a free loopback port, answering with the given
/// <see cref="MessageStore"/>. Used by the tests' recording server and by the bench's discarding sink.
/// </summary>
public sealed class LoopbackSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private Task running = Task.CompletedTask;
    private int sessions;

    private LoopbackSmtpServer() { }

    public int Port { get; private set; }

    /// <summary>How many SMTP sessions (connections) were opened so far.</summary>
    public int Sessions => Volatile.Read(ref sessions);

    /// <param name="store">answers each message (the DATA command).</param>
    /// <param name="listener">how sockets are accepted; null = the package's own listener (Nagle on).</param>
    /// <param name="startTlsCertificate">offer STARTTLS with this certificate.</param>
    public static LoopbackSmtpServer Start(MessageStore store, IEndpointListenerFactory? listener = null,
        X509Certificate2? startTlsCertificate = null)
    {
        var server = new LoopbackSmtpServer();
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
            if (listener is not null) services.Add(listener);
            services.Add(store);
            var smtp = new SmtpServer.SmtpServer(options, services);
            smtp.SessionCreated += (_, _) => Interlocked.Increment(ref server.sessions);
            server.running = smtp.StartAsync(server.stop.Token);
            if (WaitUntilListening(server.Port, server.running)) return server;
            if (attempt == 5) throw new InvalidOperationException("The loopback SMTP server did not start.", server.running.Exception);
        }
    }

    /// <summary>Whether something accepts connections on <paramref name="port"/> within 30 s (false if <paramref name="running"/> died).</summary>
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

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try { await running; }
        catch (OperationCanceledException) { }
        stop.Dispose();
    }
}
