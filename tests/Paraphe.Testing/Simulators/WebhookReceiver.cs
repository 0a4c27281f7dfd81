using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Paraphe.Testing.Simulators;

/// <summary>
/// An integrator's webhook receiver on a real Kestrel server on loopback: every POST under `/hooks/…` is kept as received
/// (headers and raw body). <see cref="Verify"/> checks it as an integrator would, with the StandardWebhooks library
/// (signature and the 5-minute timestamp window against the real clock); <see cref="VerifyByHand"/> recomputes the HMAC
/// with code written apart from Paraphe's, without the time window (for tests that move the app's clock by days).
/// <see cref="Accepted"/> deduplicates on `webhook-id`, as receivers are told to. <see cref="Answer"/> says how it answers.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string Path, string? WebhookId, string? Timestamp, string? Signature, string? ContentType, string Body,
        int AnsweredStatus, DateTimeOffset At)
    {
        public IHeaderDictionary Headers() => new HeaderDictionary
        {
            ["webhook-id"] = WebhookId, ["webhook-timestamp"] = Timestamp, ["webhook-signature"] = Signature,
        };
    }

    private readonly ConcurrentQueue<Received> received = new();
    private readonly WebApplication app;

    private WebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app = builder.Build();
        app.MapPost("/hooks/{**name}", (Func<HttpContext, Task>)ReceiveAsync);
        app.MapPost("/landing", (Func<HttpContext, Task>)ReceiveAsync);
    }

    /// <summary>The status to answer for a request to a path (default 204); <see cref="Hang"/> never answers; a 3xx redirects to `/landing`.</summary>
    public Func<string, int> Answer { get; set; } = _ => 204;

    public const int Hang = -1;

    public string BaseUrl { get; private set; } = "";
    public int Port { get; private set; }

    public IReadOnlyList<Received> All => received.ToArray();

    public IReadOnlyList<Received> At(string path) => received.Where(r => r.Path == path).ToArray();

    /// <summary>What the receiver keeps: one per `webhook-id`, among the answers it acknowledged (2xx).</summary>
    public IReadOnlyList<Received> Accepted(string path) =>
        At(path).Where(r => r.AnsweredStatus is >= 200 and < 300).DistinctBy(r => r.WebhookId).ToArray();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver.app.StartAsync();
        var address = receiver.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseUrl = address.TrimEnd('/');
        receiver.Port = new Uri(receiver.BaseUrl).Port;
        return receiver;
    }

    private async Task ReceiveAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var path = http.Request.Path.Value ?? "";
        var status = path == "/landing" ? 204 : Answer(path);
        string? Header(string name) => http.Request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;
        received.Enqueue(new Received(path, Header("webhook-id"), Header("webhook-timestamp"), Header("webhook-signature"),
            http.Request.ContentType, body, status, DateTimeOffset.UtcNow));
        if (status == Hang)
        {
            try { await Task.Delay(Timeout.Infinite, http.RequestAborted); }
            catch (OperationCanceledException) { }
            return;
        }
        if (status is >= 300 and < 400) http.Response.Headers.Location = $"{BaseUrl}/landing";
        http.Response.StatusCode = status;
    }

    /// <summary>As an integrator verifies: the StandardWebhooks library, with <paramref name="secret"/> (<c>whsec_…</c>).</summary>
    public static bool Verify(Received r, string secret, out string? error)
    {
        try
        {
            new StandardWebhook(secret).Verify(r.Body, r.Headers());
            error = null;
            return true;
        }
        catch (WebhookVerificationException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// The signatures of `webhook-signature` that match <paramref name="secret"/>, recomputed by hand:
    /// base64(HMAC-SHA256(base64-decoded secret, "{id}.{timestamp}.{body}")), no time window.
    /// </summary>
    public static bool VerifyByHand(Received r, string secret)
    {
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{r.WebhookId}.{r.Timestamp}.{r.Body}")));
        return (r.Signature ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s => s == expected);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
