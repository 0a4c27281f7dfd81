using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Paraphe.Testing.Simulators;

/// <summary>
/// Brevo's transactional SMS API on loopback, as documented: `POST /v3/transactionalSMS/send` with the `api-key` header
/// and JSON `{sender, recipient, content, type, tag, webUrl}` (recipient: international number without '+', sender:
/// ≤ 11 alphanumeric or ≤ 15 digits); 201 `{messageId}`, or Brevo's error JSON `{code, message}`. It then plays Brevo's
/// SMS webhook: a JSON POST (`msg_status`, `messageId`, `to`, `ts_event`…) to the message's webUrl, with the URL's
/// username/password as HTTP Basic, delivered to the app under test through the client it is given.
/// </summary>
public sealed partial class BrevoSmsSimulator : IAsyncDisposable
{
    public const string ApiKey = "xkeysib-simulated-0123456789abcdef";

    public sealed record Sms(long MessageId, string Recipient, string Sender, string Content, string Type, string? Tag, string WebUrl);

    private readonly ConcurrentQueue<Sms> accepted = new();
    private readonly ConcurrentQueue<string> attempts = new();
    private readonly ConcurrentDictionary<string, SimulatedAnswer> byRecipient = new();
    private long nextId = 1511882900176220;
    private LoopbackServer server = null!;

    public string BaseUrl => server.BaseUrl;
    public SimulatedAnswer Default { get; set; } = SimulatedAnswer.Accept;
    public IReadOnlyCollection<string> Attempts => attempts;
    public IReadOnlyCollection<Sms> Accepted => accepted;

    /// <param name="recipient">as Brevo gets it: digits, no '+'.</param>
    public void AnswerFor(string recipient, SimulatedAnswer answer) => byRecipient[recipient.TrimStart('+')] = answer;

    public static async Task<BrevoSmsSimulator> StartAsync()
    {
        var simulator = new BrevoSmsSimulator();
        simulator.server = await LoopbackServer.StartAsync(app => app.MapPost("/v3/transactionalSMS/send", (Delegate)((HttpContext http) => simulator.SendAsync(http))));
        return simulator;
    }

    private async Task<IResult> SendAsync(HttpContext http)
    {
        if (http.Request.Headers["api-key"].ToString() != ApiKey) return Error(401, "unauthorized", "Key not found");
        JsonElement body;
        try
        {
            body = (await JsonDocument.ParseAsync(http.Request.Body)).RootElement;
        }
        catch (JsonException)
        {
            return Error(400, "bad_request", "Input must be a valid JSON object");
        }
        string? Str(string name) => body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var recipient = Str("recipient") ?? "";
        attempts.Enqueue(recipient);
        var sender = Str("sender");
        var content = Str("content");
        if (sender is null || !(AlphanumericSender().IsMatch(sender) || NumericSender().IsMatch(sender)))
            return Error(400, "invalid_parameter", "sender is invalid: max 11 alphanumeric characters or 15 digits");
        if (string.IsNullOrEmpty(content)) return Error(400, "missing_parameter", "content is missing");
        if (!Recipient().IsMatch(recipient)) return Error(400, "invalid_parameter", "Invalid recipient number");
        var type = Str("type") ?? "transactional";
        if (type is not ("transactional" or "marketing")) return Error(400, "invalid_parameter", "type is invalid");
        var webUrl = Str("webUrl") ?? "";
        if (webUrl.Length > 0 && !Uri.TryCreate(webUrl, UriKind.Absolute, out _)) return Error(400, "invalid_parameter", "webUrl is invalid");

        switch (byRecipient.GetValueOrDefault(recipient, Default))
        {
            case ErrorAnswer e:
                return Error(e.Status, e.Code, e.Message);
            case HangAnswer:
                await TwilioSimulator.HangAsync(http.RequestAborted, server.Stopping);
                return Results.Empty;
        }
        var sms = new Sms(Interlocked.Increment(ref nextId), recipient, sender, content, type, Str("tag"), webUrl);
        accepted.Enqueue(sms);
        return Results.Json(new { messageId = sms.MessageId }, statusCode: 201);
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { code, message }, statusCode: status);

    /// <param name="mobile">E.164, with or without '+'.</param>
    public async Task<Sms> WaitForAsync(string mobile)
    {
        var recipient = mobile.TrimStart('+');
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var sms = accepted.LastOrDefault(s => s.Recipient == recipient);
            if (sms is not null) return sms;
            if (watch.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException($"Brevo simulator: no SMS to {recipient} after 20 s.");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Brevo's SMS webhook for <paramref name="sms"/>: `msg_status` is `sent`, `delivered`, `soft_bounce`,
    /// `hard_bounce`…; credentials from the webUrl's user info (as HTTP clients send them), or <paramref name="authorization"/>
    /// instead ("" for none).
    /// </summary>
    public Task<HttpResponseMessage> WebhookAsync(Sms sms, string status, HttpClient app, string? reason = null, string? authorization = null)
    {
        var url = new Uri(sms.WebUrl);
        var now = DateTimeOffset.UtcNow;
        var payload = new Dictionary<string, object?>
        {
            ["id"] = 26570, ["to"] = sms.Recipient, ["sms_count"] = 1, ["credits_used"] = 4.5, ["messageId"] = sms.MessageId,
            ["remaining_credit"] = 11488.845, ["msg_status"] = status, ["type"] = "transactional", ["reference"] = $"ref{sms.MessageId}",
            ["date"] = now.ToOffset(TimeSpan.FromHours(1)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["ts_event"] = now.ToUnixTimeSeconds(), ["tag"] = sms.Tag,
        };
        if (reason is not null) payload["reason"] = reason;
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app.BaseAddress!, url.PathAndQuery)) { Content = JsonContent.Create(payload) };
        if (authorization is null && url.UserInfo.Length > 0)
        {
            var parts = url.UserInfo.Split(':', 2);
            var pair = $"{Uri.UnescapeDataString(parts[0])}:{(parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "")}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
        else if (!string.IsNullOrEmpty(authorization))
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        return app.SendAsync(request);
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();

    [GeneratedRegex("^[1-9][0-9]{6,14}$")]
    private static partial Regex Recipient();

    [GeneratedRegex("^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")]
    private static partial Regex AlphanumericSender();

    [GeneratedRegex("^[0-9]{1,15}$")]
    private static partial Regex NumericSender();
}
