using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Paraphe.Web.Features.Notifications.Email;

/// <summary>
/// Receives DSN bounces over SMTP on `Paraphe:Email:BounceListener:Port` (the SmtpServer package): accepts mail for
/// the bounce address and its VERP forms only, hands each message to <see cref="BounceProcessor"/>. Junk is accepted
/// and ignored (logged); a refused recipient gets 550; nothing crashes the listener.
/// </summary>
public sealed partial class BounceListener(
    BounceProcessor processor, IOptions<BounceOptions> options, ILogger<BounceListener> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (o.BounceListener.Port == 0 || string.IsNullOrWhiteSpace(o.BounceAddress)) return;
        await Task.Yield(); // never hold up start-up
        var endpoint = new IPEndPoint(IPAddress.Parse(o.BounceListener.Host), o.BounceListener.Port);
        while (!stoppingToken.IsCancellationRequested)
        {
            var serverOptions = new SmtpServerOptionsBuilder()
                .ServerName(Verp.Domain(o.BounceAddress))
                .MaxMessageSize(o.BounceListener.MaxMessageBytes)
                .Endpoint(b => b.Endpoint(endpoint).SessionTimeout(TimeSpan.FromMinutes(2)))
                .Build();
            var services = new SmtpServer.ComponentModel.ServiceProvider();
            services.Add(new NoDelayListenerFactory());
            services.Add(new BounceMailboxFilter(o.BounceAddress));
            services.Add(new BounceStore(processor, this));
            try
            {
                LogListening(endpoint.ToString());
                await new SmtpServer.SmtpServer(serverOptions, services).StartAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogListenerFailed(e, endpoint.ToString());
                try { await Task.Delay(TimeSpan.FromSeconds(10), stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private sealed class BounceMailboxFilter(string bounceAddress) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) =>
            Task.FromResult(true); // DSNs come from the null sender <>

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(Verp.IsBounceMailbox(bounceAddress, to.User ?? "", to.Host ?? ""));
    }

    private sealed class BounceStore(BounceProcessor processor, BounceListener owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            MimeMessage message;
            try
            {
                using var stream = new MemoryStream(buffer.ToArray(), writable: false);
                message = await MimeMessage.LoadAsync(stream, cancellationToken);
            }
            catch (Exception e) when (e is FormatException or ParseException or IOException)
            {
                owner.LogMalformed(e.Message);
                return SmtpResponse.Ok; // accepted and ignored: a sender retrying junk helps no one
            }
            try
            {
                var recipients = transaction.To.Select(m => $"{m.User}@{m.Host}").ToList();
                await processor.HandleAsync(message, recipients, cancellationToken);
                return SmtpResponse.Ok;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                owner.LogProcessingFailed(e);
                return new SmtpResponse((SmtpReplyCode)451, "4.3.0 Temporary failure, try again later");
            }
        }
    }

    [LoggerMessage(EventId = 2210, Level = LogLevel.Information, Message = "Bounce listener on {Endpoint}")]
    private partial void LogListening(string endpoint);

    [LoggerMessage(EventId = 2211, Level = LogLevel.Error, Message = "Bounce listener on {Endpoint} failed; restarting in 10 s")]
    private partial void LogListenerFailed(Exception e, string endpoint);

    [LoggerMessage(EventId = 2212, Level = LogLevel.Warning, Message = "Bounce listener: ignored a malformed message: {Error}")]
    private partial void LogMalformed(string error);

    [LoggerMessage(EventId = 2213, Level = LogLevel.Error, Message = "Bounce listener: a DSN could not be recorded (answered 451)")]
    private partial void LogProcessingFailed(Exception e);
}
