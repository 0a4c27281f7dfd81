using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Paraphe.Testing.Simulators;

/// <summary>
/// Twilio's Messages API on loopback, as documented: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`,
/// form-encoded To/From/Body/StatusCallback, HTTP Basic AccountSid:AuthToken; 201 with the Message resource (`sid`),
/// or Twilio's error JSON `{code, message, more_info, status}`. It then plays Twilio's status callbacks: a form POST to
/// the message's StatusCallback, signed with X-Twilio-Signature over that public URL, delivered to the app under test
/// through the client it is given (a TestServer has no port of its own).
/// </summary>
public sealed partial class TwilioSimulator : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "f00dfeedf00dfeedf00dfeedf00dfeed";

    public sealed record Sms(string Sid, string To, string From, string Body, string StatusCallback);

    private readonly ConcurrentQueue<Sms> accepted = new();
    private readonly ConcurrentQueue<string> attempts = new();
    private readonly ConcurrentDictionary<string, SimulatedAnswer> byRecipient = new();
    private LoopbackServer server = null!;

    public string BaseUrl => server.BaseUrl;

    /// <summary>How requests are answered unless <see cref="AnswerFor"/> says otherwise for their recipient.</summary>
    public SimulatedAnswer Default { get; set; } = SimulatedAnswer.Accept;

    /// <summary>Every authenticated send request, by recipient, answered or not.</summary>
    public IReadOnlyCollection<string> Attempts => attempts;

    public IReadOnlyCollection<Sms> Accepted => accepted;

    /// <summary>Send requests being handled (arrived, not yet answered): an accepted one is in <see cref="Accepted"/> once this falls to 0.</summary>
    public int Handling => Volatile.Read(ref handling);

    private int handling;

    public void AnswerFor(string to, SimulatedAnswer answer) => byRecipient[to] = answer;

    /// <summary>
    /// Runs after a message is accepted and before the answer leaves: a status callback that overtakes the API's
    /// answer, as Twilio's fast receipts do.
    /// </summary>
    public Func<Sms, Task>? BeforeAnswer { get; set; }

    public static async Task<TwilioSimulator> StartAsync()
    {
        var simulator = new TwilioSimulator();
        simulator.server = await LoopbackServer.StartAsync(app =>
            app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", (HttpContext http, string account) => simulator.HandleAsync(http, account)));
        return simulator;
    }

    private async Task<IResult> HandleAsync(HttpContext http, string account)
    {
        Interlocked.Increment(ref handling);
        try { return await CreateMessageAsync(http, account); }
        finally { Interlocked.Decrement(ref handling); }
    }

    private async Task<IResult> CreateMessageAsync(HttpContext http, string account)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        if (account != AccountSid || http.Request.Headers.Authorization.ToString() != expected)
            return Error(401, "20003", "Authentication Error - invalid username");
        if (!http.Request.HasFormContentType) return Error(400, "21601", "Message body is required.");
        var form = await http.Request.ReadFormAsync();
        string to = form["To"].ToString(), from = form["From"].ToString(), body = form["Body"].ToString();
        var callback = form["StatusCallback"].ToString();
        attempts.Enqueue(to);
        if (to.Length == 0) return Error(400, "21604", "A 'To' phone number is required.");
        if (from.Length == 0) return Error(400, "21603", "A 'From' phone number is required.");
        if (body.Length == 0) return Error(400, "21602", "Message body is required.");
        if (!E164().IsMatch(to)) return Error(400, "21211", $"Invalid 'To' Phone Number: {to}");
        if (!E164().IsMatch(from) && !AlphanumericSender().IsMatch(from)) return Error(400, "21212", $"Invalid 'From' Phone Number: {from}");
        if (callback.Length > 0 && !Uri.TryCreate(callback, UriKind.Absolute, out _)) return Error(400, "21609", "Invalid StatusCallback URL.");

        switch (byRecipient.GetValueOrDefault(to, Default))
        {
            case ErrorAnswer e:
                return Error(e.Status, e.Code, e.Message);
            case HangAnswer:
                await HangAsync(http.RequestAborted, server.Stopping);
                return Results.Empty;
        }
        var sms = new Sms("SM" + Guid.NewGuid().ToString("N"), to, from, body, callback);
        accepted.Enqueue(sms);
        if (BeforeAnswer is { } before) await before(sms);
        var now = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture);
        return Results.Json(new Dictionary<string, object?>
        {
            ["sid"] = sms.Sid, ["account_sid"] = AccountSid, ["to"] = to, ["from"] = from, ["body"] = body,
            ["status"] = "queued", ["num_segments"] = "1", ["direction"] = "outbound-api", ["api_version"] = "2010-04-01",
            ["date_created"] = now, ["date_updated"] = now, ["date_sent"] = null, ["error_code"] = null, ["error_message"] = null,
            ["uri"] = $"/2010-04-01/Accounts/{AccountSid}/Messages/{sms.Sid}.json",
        }, statusCode: 201);
    }

    internal static async Task HangAsync(CancellationToken aborted, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, stopping);
        try { await Task.Delay(Timeout.Infinite, linked.Token); }
        catch (OperationCanceledException) { }
    }

    private static IResult Error(int status, string code, string message) => Results.Json(new Dictionary<string, object>
    {
        ["code"] = int.Parse(code, CultureInfo.InvariantCulture), ["message"] = message,
        ["more_info"] = $"https://www.twilio.com/docs/errors/{code}", ["status"] = status,
    }, statusCode: status);

    /// <summary>The accepted message to <paramref name="to"/> (the newest), waiting up to 20 s for it.</summary>
    public async Task<Sms> WaitForAsync(string to)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var sms = accepted.LastOrDefault(s => s.To == to);
            if (sms is not null) return sms;
            if (watch.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException($"Twilio simulator: no SMS to {to} after 20 s.");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Twilio's status callback for <paramref name="sms"/>: form fields as Twilio posts them, signed over the public
    /// StatusCallback URL, sent to the same path and query on <paramref name="app"/>. <paramref name="signature"/>
    /// overrides the computed one (a forgery), empty sends none.
    /// </summary>
    public Task<HttpResponseMessage> CallbackAsync(Sms sms, string status, HttpClient app, string? errorCode = null, string? signature = null)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("SmsSid", sms.Sid), new("SmsStatus", status), new("MessageStatus", status), new("To", sms.To),
            new("MessageSid", sms.Sid), new("AccountSid", AccountSid), new("From", sms.From), new("ApiVersion", "2010-04-01"),
        };
        if (errorCode is not null) form.Add(new("ErrorCode", errorCode));
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app.BaseAddress!, new Uri(sms.StatusCallback).PathAndQuery))
        {
            Content = new FormUrlEncodedContent(form),
        };
        signature ??= Sign(sms.StatusCallback, form);
        if (signature.Length > 0) request.Headers.Add("X-Twilio-Signature", signature);
        return app.SendAsync(request);
    }

    /// <summary>Written from Twilio's security page, apart from Paraphe's own check: URL, then each parameter (sorted by name) as name + value; HMAC-SHA1 with the auth token; base64.</summary>
    public static string Sign(string url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var sorted = parameters.ToList();
        sorted.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = url + string.Concat(sorted.Select(p => p.Key + p.Value));
        using var hmac = new HMACSHA1(Encoding.UTF8.GetBytes(AuthToken));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(text)));
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    [GeneratedRegex("^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")]
    private static partial Regex AlphanumericSender();
}
