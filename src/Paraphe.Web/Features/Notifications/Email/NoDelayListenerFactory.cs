using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace Paraphe.Web.Features.Notifications.Email;

/// <summary>
/// The SmtpServer package's TCP listener with Nagle off on every accepted socket: with it on, a pipelining client
/// meets delayed ACKs and waits ~44 ms per message (docs/DEVELOPMENT.md, « Stack facts »). STARTTLS is supported as in the package.
/// </summary>
public sealed class NoDelayListenerFactory : IEndpointListenerFactory
{
    public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
    {
        var listener = new TcpListener(endpointDefinition.Endpoint);
        listener.Start();
        return new Listener(listener);
    }

    private sealed class Listener(TcpListener listener) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            var tcp = await listener.AcceptTcpClientAsync(cancellationToken);
            tcp.NoDelay = true;
            context.Properties[EndpointListener.LocalEndPointKey] = listener.LocalEndpoint;
            context.Properties[EndpointListener.RemoteEndPointKey] = tcp.Client.RemoteEndPoint!;
            var stream = tcp.GetStream();
            stream.ReadTimeout = (int)context.EndpointDefinition.SessionTimeout.TotalMilliseconds;
            return new Pipe(stream, tcp);
        }

        public void Dispose() => listener.Stop();
    }

    private sealed class Pipe(NetworkStream network, TcpClient tcp) : ISecurableDuplexPipe
    {
        private Stream current = network;

        public PipeReader Input { get; private set; } = PipeReader.Create(network, new StreamPipeReaderOptions(leaveOpen: true));
        public PipeWriter Output { get; private set; } = PipeWriter.Create(network, new StreamPipeWriterOptions(leaveOpen: true));
        public bool IsSecure => current is SslStream;
        public SslProtocols SslProtocol => (current as SslStream)?.SslProtocol ?? SslProtocols.None;

        public async Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default)
        {
            var ssl = new SslStream(current, leaveInnerStreamOpen: true);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate, EnabledSslProtocols = protocols, ClientCertificateRequired = false,
            }, cancellationToken);
            current = ssl;
            Input = PipeReader.Create(ssl);
            Output = PipeWriter.Create(ssl);
        }

        public void Dispose()
        {
            if (current is SslStream ssl) ssl.Dispose();
            network.Dispose();
            tcp.Dispose();
        }
    }
}
