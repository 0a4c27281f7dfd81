using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Paraphe.Domain.Notifications;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Features.Notifications;
using Paraphe.Web.Features.Notifications.Email;

namespace Paraphe.Bench.Delivery;

/// <summary>
/// The dispatcher's floors (issue 12), measured in the bench process on the drain's own servers, with no database and
/// no outbox: the same invitation emails through MailKit over as many pooled connections (each MIME message built per
/// message as <see cref="SmtpSender"/> builds it), the same SMS requests to the Twilio simulator over one HttpClient,
/// and both side by side (the drain's mix). CPU is this process's: the client and the in-process server together.
/// What the servers alone cost comes from peers in other processes (<see cref="NodemailerPeer"/>): the bench's CPU
/// during their runs.
/// </summary>
public static class DispatcherFloors
{
    public sealed record Row(string Name, int Messages, double Seconds, double BenchCpuMs, double? PeerCpuMsPerMessage = null)
    {
        public double MessagesPerSecond => Messages / Seconds;
        public double BenchCpuPerMessage => BenchCpuMs / Messages;
    }

    /// <summary>What is sent: the drain's email (as received) and SMS (as the simulator took it).</summary>
    public sealed record Samples(string Subject, string Text, string Html, string FromName, string From, string To,
        string SmsTo, string SmsFrom, string SmsBody);

    public static Samples From(SmtpSink sink, TwilioSimulator twilio)
    {
        using var raw = new MemoryStream(sink.Sample ?? throw new InvalidOperationException("the SMTP server received nothing"));
        var mime = MimeMessage.Load(raw);
        var from = mime.From.Mailboxes.First();
        var sms = twilio.Accepted.First();
        return new Samples(mime.Subject ?? "", mime.TextBody ?? "", mime.HtmlBody ?? "", from.Name ?? "", from.Address, mime.To.Mailboxes.First().Address,
            sms.To, sms.From, sms.Body);
    }

    /// <summary>Measures <paramref name="run"/>: wall time and this process's CPU time.</summary>
    public static async Task<Row> MeasureAsync(string name, int messages, Func<Task> run, double? peerCpu = null)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await run();
        watch.Stop();
        return new Row(name, messages, watch.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds, peerCpu);
    }

    /// <summary>
    /// <paramref name="messages"/> emails over <paramref name="connections"/> MailKit connections (opened first, not
    /// timed), a send in flight on each; each MIME message built per send by <see cref="SmtpSender.Compose"/>, the
    /// envelope sender the VERP address, as the production sender does. PIPELINING off unless <paramref name="pipelining"/>.
    /// </summary>
    public static async Task<Func<Task>> MailKitAsync(int port, int messages, Samples s, int connections, bool pipelining)
    {
        var clients = new List<SmtpClient>();
        for (var i = 0; i < connections; i++)
        {
            var c = new SmtpClient();
            await c.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
            if (!pipelining) c.Capabilities &= ~MailKit.Net.Smtp.SmtpCapabilities.Pipelining;
            clients.Add(c);
        }
        return async () =>
        {
            var next = -1;
            await Task.WhenAll(clients.Select(async c =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < messages)
                {
                    var id = "nt_floor" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
                    var mime = SmtpSender.Compose(new OutgoingMessage(id, "ag_floor", Channel.Email, s.To, s.FromName, null, s.Subject, s.Text, s.Html), s.From);
                    await c.SendAsync(mime, new MailboxAddress("", Verp.Address("bounces@paraphe.example", id)), [MailboxAddress.Parse(s.To)]);
                }
            }));
            foreach (var c in clients)
            {
                await c.DisconnectAsync(true);
                c.Dispose();
            }
        };
    }

    /// <summary>
    /// <paramref name="messages"/> SMS requests as TwilioSender makes them (form-encoded To/From/Body/StatusCallback, HTTP
    /// Basic, the answer's JSON read for its sid), <paramref name="concurrency"/> in flight over one HttpClient.
    /// </summary>
    public static Func<Task> Sms(string baseUrl, int messages, Samples s, int concurrency)
    {
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var url = $"{baseUrl}/2010-04-01/Accounts/{TwilioSimulator.AccountSid}/Messages.json";
        var auth = new AuthenticationHeaderValue("Basic", Authorization()[6..]);
        return async () =>
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < messages)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, url)
                    {
                        Content = new FormUrlEncodedContent(new Dictionary<string, string>
                        {
                            ["To"] = s.SmsTo, ["From"] = s.SmsFrom, ["Body"] = s.SmsBody,
                            ["StatusCallback"] = $"https://paraphe.example/callbacks/sms/twilio?n=nt_floor{i}",
                        }),
                    };
                    request.Headers.Authorization = auth;
                    using var response = await http.SendAsync(request);
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    if (!json.RootElement.TryGetProperty("sid", out JsonElement _)) throw new InvalidOperationException($"simulator refused: {json.RootElement}");
                }
            }));
            http.Dispose();
        };
    }

    public static string Authorization() =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TwilioSimulator.AccountSid}:{TwilioSimulator.AuthToken}"));
}
