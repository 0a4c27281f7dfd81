using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Paraphe.Testing.Simulators;

/// <summary>
/// Brevo's transactional email API on a real Kestrel server on loopback, answering as
/// https://developers.brevo.com/reference/sendtransacemail documents: `POST /v3/smtp/email` with the `api-key` header
/// and a JSON body (`sender`, `to`, `subject`, `htmlContent` / `textContent`, `headers`, `tags`) →
/// `201 {"messageId":"&lt;…@smtp-relay.mailin.fr&gt;"}`; `401 {code: "unauthorized"}` for another key;
/// `400 {code: "missing_parameter" | "invalid_parameter", message}` for a bad body. Recipients say how it answers, as
/// with the test SMTP server: `invalide.…` → 400 invalid_parameter on the email, `panne.…` → 500 the first time,
/// `quota.…` → 429 the first time, `lent.…` → no answer the first time (until the client gives up).
/// <para>
/// It then reports like Brevo's transactional webhook (https://developers.brevo.com/docs/transactional-webhooks): a JSON
/// POST per event (or an array, as a batched webhook) with `event`, `email`, `id`, `date`, `ts`, `message-id`, `ts_event`,
/// `subject`, `X-Mailin-custom`, `sending_ip`, `ts_epoch`, `tags`, `reason`, authenticated by a bearer token or basic-auth
/// credentials (https://developers.brevo.com/docs/secured-webhooks). WebApplicationFactory's server has no port, so
/// webhooks go through the HttpClient given by <see cref="ConnectWebhooks"/>.
/// </para>
/// </summary>
public sealed class BrevoEmailSimulator : IAsyncDisposable
{
    public const string ValidApiKey = "xkeysib-simulator-0123456789abcdef";
    public const string WebhookPath = "/callbacks/email/brevo";
    private const int WebhookId = 4242;

    /// <summary>One accepted email, as Brevo read it.</summary>
    public sealed record Email(string MessageId, string SenderName, string SenderEmail, string To, string Subject,
        string? Html, string? Text, IReadOnlyDictionary<string, string> Headers, IReadOnlyList<string> Tags);

    private readonly ConcurrentQueue<Email> accepted = new();
    private readonly ConcurrentDictionary<string, int> attempts = new(StringComparer.OrdinalIgnoreCase);
    private readonly WebApplication app;
    private readonly TimeProvider clock;
    private Func<HttpClient>? webhookClients;
    private HttpClient? webhooks;
    private int requests;
    private long sequence;

    private BrevoEmailSimulator(TimeProvider clock)
    {
        this.clock = clock;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app = builder.Build();
        app.MapPost("/v3/smtp/email", (Func<HttpContext, Task<IResult>>)SendAsync);
    }

    /// <summary>The key the simulator accepts; anything else gets 401 (set another to simulate a revoked key).</summary>
    public string AcceptedApiKey { get; set; } = ValidApiKey;

    /// <summary>What Brevo's webhook presents: the bearer token, or the basic-auth password when <see cref="UseBasicAuth"/>.</summary>
    public string? WebhookSecret { get; set; }
    public bool UseBasicAuth { get; set; }

    public string BaseUrl { get; private set; } = "";
    public int Requests => Volatile.Read(ref requests);
    public IReadOnlyCollection<Email> Emails => accepted;

    public static async Task<BrevoEmailSimulator> StartAsync(TimeProvider? clock = null)
    {
        var simulator = new BrevoEmailSimulator(clock ?? TimeProvider.System);
        await simulator.app.StartAsync();
        var address = simulator.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        simulator.BaseUrl = address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        return simulator;
    }

    /// <summary>Where webhooks go: the app under test's client (its base address is the app).</summary>
    public void ConnectWebhooks(Func<HttpClient> clients) => webhookClients = clients;

    public async Task<Email> WaitForAsync(string to, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var email = accepted.FirstOrDefault(e => string.Equals(e.To, to, StringComparison.OrdinalIgnoreCase));
            if (email is not null) return email;
            if (watch.Elapsed > (timeout ?? TimeSpan.FromSeconds(10)))
                throw new TimeoutException($"Brevo (simulated) received no email to {to}.");
            await Task.Delay(50);
        }
    }

    // ---- the API ----------------------------------------------------------------------------------------------

    private async Task<IResult> SendAsync(HttpContext http)
    {
        Interlocked.Increment(ref requests);
        if (http.Request.Headers["api-key"].ToString() != AcceptedApiKey)
            return Error(401, "unauthorized", "Key not found");
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return Error(400, "bad_request", "Input must be a valid JSON object");
        }
        if (Validate(body) is { } refusal) return refusal;

        var to = body!["to"]![0]!["email"]!.GetValue<string>();
        var attempt = attempts.AddOrUpdate(to, 1, (_, n) => n + 1);
        var local = to[..to.IndexOf('@', StringComparison.Ordinal)];
        if (local.StartsWith("invalide.", StringComparison.OrdinalIgnoreCase)) return Error(400, "invalid_parameter", "email is not valid in to");
        if (attempt == 1 && local.StartsWith("panne.", StringComparison.OrdinalIgnoreCase)) return Error(500, "internal_error", "Internal server error");
        if (attempt == 1 && local.StartsWith("quota.", StringComparison.OrdinalIgnoreCase)) return Error(429, "too_many_requests", "Too many requests");
        if (attempt == 1 && local.StartsWith("lent.", StringComparison.OrdinalIgnoreCase))
        {
            try { await Task.Delay(Timeout.Infinite, http.RequestAborted); }
            catch (OperationCanceledException) { }
            return Results.Empty;
        }

        var messageId = $"<{clock.GetUtcNow():yyyyMMddHHmm}.{Interlocked.Increment(ref sequence):D11}@smtp-relay.mailin.fr>";
        var headers = body["headers"] is JsonObject h
            ? h.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "", StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var tags = body["tags"] is JsonArray t ? t.Select(x => x?.ToString() ?? "").ToList() : [];
        accepted.Enqueue(new Email(messageId, body["sender"]!["name"]?.GetValue<string>() ?? "", body["sender"]!["email"]!.GetValue<string>(),
            to, body["subject"]!.GetValue<string>(), body["htmlContent"]?.GetValue<string>(), body["textContent"]?.GetValue<string>(),
            headers, tags));
        return Results.Json(new { messageId }, statusCode: 201);
    }

    private static IResult? Validate(JsonNode? body)
    {
        if (body is not JsonObject o) return Error(400, "bad_request", "Input must be a valid JSON object");
        if (o["sender"] is not JsonObject sender || sender["email"] is not JsonValue) return Error(400, "missing_parameter", "sender is missing");
        if (!IsAddress(sender["email"]!.ToString())) return Error(400, "invalid_parameter", "valid sender email required");
        if (o["to"] is not JsonArray { Count: > 0 } to || to[0]?["email"] is not JsonValue) return Error(400, "missing_parameter", "to is missing");
        if (to.Any(r => !IsAddress(r?["email"]?.ToString()))) return Error(400, "invalid_parameter", "email is not valid in to");
        if (o["subject"] is not JsonValue s || string.IsNullOrWhiteSpace(s.ToString())) return Error(400, "missing_parameter", "subject is missing");
        if (o["htmlContent"] is null && o["textContent"] is null && o["templateId"] is null)
            return Error(400, "missing_parameter", "htmlContent or textContent is missing");
        return null;
    }

    private static bool IsAddress(string? s) => s is not null && s.IndexOf('@', StringComparison.Ordinal) is > 0 and var at
                                                && at < s.Length - 1 && !s.Contains(' ', StringComparison.Ordinal);

    private static IResult Error(int status, string code, string message) => Results.Json(new { code, message }, statusCode: status);

    // ---- the webhook ------------------------------------------------------------------------------------------

    /// <summary>An event about <paramref name="email"/> in the documented shape; <paramref name="at"/> defaults to now.</summary>
    public JsonObject Event(Email email, string name, string? reason = null, DateTimeOffset? at = null, bool withCustomHeader = true)
    {
        var when = at ?? clock.GetUtcNow();
        var e = new JsonObject
        {
            ["event"] = name, ["email"] = email.To, ["id"] = WebhookId, ["date"] = BrevoLocalDate(when),
            ["ts"] = when.ToUnixTimeSeconds(), ["message-id"] = email.MessageId, ["ts_event"] = when.ToUnixTimeSeconds(),
            ["subject"] = email.Subject, ["sending_ip"] = "185.41.28.109", ["ts_epoch"] = when.ToUnixTimeMilliseconds(),
            ["tags"] = new JsonArray(email.Tags.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        };
        if (withCustomHeader && email.Headers.TryGetValue("X-Mailin-custom", out var custom)) e["X-Mailin-custom"] = custom;
        if (reason is not null) e["reason"] = reason;
        return e;
    }

    public Task<HttpResponseMessage> EmitAsync(Email email, string name, string? reason = null, DateTimeOffset? at = null) =>
        PostAsync(Event(email, name, reason, at).ToJsonString());

    /// <summary>Several events in one request, as a webhook created with `batched: true` sends them.</summary>
    public Task<HttpResponseMessage> EmitBatchAsync(params JsonObject[] events) =>
        PostAsync(new JsonArray(events.Select(e => (JsonNode?)e.DeepClone()).ToArray()).ToJsonString());

    /// <summary>A raw webhook call with the given Authorization header (null: none) — for forged or misconfigured calls.</summary>
    public Task<HttpResponseMessage> PostAsync(string json, AuthenticationHeaderValue? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, WebhookPath) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = authorization;
        return Webhooks().SendAsync(request);
    }

    public AuthenticationHeaderValue? Authorization() => WebhookSecret is null ? null
        : UseBasicAuth ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"brevo:{WebhookSecret}")))
        : new AuthenticationHeaderValue("Bearer", WebhookSecret);

    private Task<HttpResponseMessage> PostAsync(string json) => PostAsync(json, Authorization());

    private HttpClient Webhooks() => webhooks ??= webhookClients?.Invoke()
        ?? throw new InvalidOperationException("ConnectWebhooks first: the simulator needs the app's HttpClient.");

    /// <summary>`date` is in the account's time zone (CET/CEST for a French account), "yyyy-MM-dd HH:mm:ss".</summary>
    private static string BrevoLocalDate(DateTimeOffset at)
    {
        TimeZoneInfo zone;
        try { zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"); }
        catch (TimeZoneNotFoundException) { zone = TimeZoneInfo.Utc; }
        return TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        webhooks?.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try { await app.StopAsync(stop.Token); }
        catch (OperationCanceledException) { }
        await app.DisposeAsync();
    }
}
