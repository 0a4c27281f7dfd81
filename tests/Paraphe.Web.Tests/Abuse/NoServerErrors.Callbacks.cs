using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paraphe.Web.Features.Notifications.Email.Brevo;
using Paraphe.Web.Features.Notifications.Sms;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// The providers' callbacks never answer 500: odd JSON bodies (null, numbers, junk arrays, deep nesting, huge strings,
/// wrong types), absurd timestamps, NUL and lone surrogates, and bodies too large to be read before authentication.
/// </summary>
public abstract partial class NoServerErrors
{
    private const string BrevoSecret = "abuse-suite-brevo-secret";
    private const string TwilioToken = "abuse-suite-twilio-token";

    /// <summary>The shared app has no callback secrets: give it some (the options are read per request).</summary>
    private void EnableCallbackSecrets()
    {
        Set<BrevoEmailOptions>(o => o.WebhookSecret = BrevoSecret);
        Set<BrevoSmsOptions>(o => o.WebhookSecret = BrevoSecret);
        Set<TwilioOptions>(o => o.AuthToken = TwilioToken);
    }

    private void Set<T>(Action<T> change) where T : class
    {
        var current = app.Services.GetRequiredService<IOptionsMonitor<T>>().CurrentValue;
        change(current);
        var cache = app.Services.GetRequiredService<IOptionsMonitorCache<T>>();
        cache.TryRemove(Options.DefaultName);
        cache.TryAdd(Options.DefaultName, current);
    }

    private static readonly long[] OddTimes = [-1, 0, 1, long.MaxValue, long.MinValue, 99_999_999_999_999, 253_402_300_800];

    /// <summary>Bodies no provider sends, of every shape; <paramref name="ours"/> is a real notification id.</summary>
    private static IEnumerable<string> OddBodies(string ours)
    {
        yield return "";
        yield return "{";
        yield return "null";
        yield return "42";
        yield return "\"delivered\"";
        yield return "true";
        yield return "[1, \"x\", null, [], {}, [[{\"event\": 3}]]]";
        yield return "{\"event\": {\"nested\": [1, {\"deep\": true}]}, \"msg_status\": [\"delivered\"]}";
        yield return new string('[', 70) + new string(']', 70);
        yield return JsonSerializer.Serialize(new { @event = "delivered", msg_status = "delivered", email = new string('a', 500_000) });
        foreach (var t in OddTimes)
            yield return $"{{\"event\":\"delivered\",\"msg_status\":\"delivered\",\"X-Mailin-custom\":\"{ours}\",\"ts_event\":{t},\"ts_epoch\":{t},\"ts\":{t}}}";
        yield return $"{{\"event\":\"delivered\",\"msg_status\":\"delivered\",\"X-Mailin-custom\":\"{ours}\",\"ts_event\":1e30,\"ts_epoch\":-1e30}}";
        yield return $"{{\"event\":\"soft_bounce\",\"msg_status\":\"soft_bounce\",\"X-Mailin-custom\":\"{ours}\",\"ts_event\":\"soon\",\"ts_epoch\":\"9999999999999999999999\"}}";
        yield return "{\"event\":\"hard_bounce\",\"msg_status\":\"hardbounce\",\"message-id\":\"<a\\u0000b>\",\"messageId\":\"x\\u0000\",\"reason\":\"\\u0000\\ud800 fin\"}";
        yield return $"{{\"event\":\"deferred\",\"msg_status\":\"soft_bounce\",\"X-Mailin-custom\":\"{ours}\",\"reason\":\"\\u0000 {new string('é', 20_000)} \\ud800\"}}";
        yield return "{\"event\":123,\"msg_status\":456,\"message-id\":789,\"messageId\":{\"a\":1},\"reason\":[\"x\"],\"ts_event\":{}}";
        yield return "[" + string.Join(",", Enumerable.Repeat("{\"event\":\"delivered\",\"message-id\":\"<none@brevo>\"}", 300)) + "]";
    }

    private async Task<string> AnEmailInvitationAsync()
    {
        var (id, _, _) = await DraftAsync("remote", otp: false, signers: 1);
        var (invitation, _) = await api.WaitForInvitationAsync(id, "email", _ => true);
        return invitation.Str("id");
    }

    private Task<string> ProcedureOfAsync(string notificationId) => app.DbAsync(db =>
        db.Notifications.IgnoreQueryFilters().Where(n => n.Id == notificationId).Select(n => n.ProcedureId!).FirstAsync());

    private static async Task AssertAnsweredAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{what} → {(int)response.StatusCode}: {body}");
        if (response.IsSuccessStatusCode) return;
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(body).RootElement.Str("code")), $"{what}: a problem without code");
    }

    private static HttpRequestMessage BrevoPost(string path, string body) => new(HttpMethod.Post, path)
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", BrevoSecret) },
    };

    [Fact]
    public async Task BrevoEmailEventsOfEveryOddShapeAreAnsweredWithoutAServerError()
    {
        EnableCallbackSecrets();
        var ours = await AnEmailInvitationAsync();
        var client = app.Anonymous();
        foreach (var body in OddBodies(ours))
            await AssertAnsweredAsync(await client.SendAsync(BrevoPost("/callbacks/email/brevo", body)), $"brevo email {body[..Math.Min(body.Length, 120)]}");
        await AssertChainValidAsync(await ProcedureOfAsync(ours));
    }

    [Fact]
    public async Task BrevoSmsEventsOfEveryOddShapeAreAnsweredWithoutAServerError()
    {
        EnableCallbackSecrets();
        var ours = await AnEmailInvitationAsync();
        var client = app.Anonymous();
        foreach (var n in new[] { ours, "%00", Uri.EscapeDataString(new string('n', 5000)), "%F0%9F" })
            foreach (var body in OddBodies(ours))
                await AssertAnsweredAsync(await client.SendAsync(BrevoPost($"/callbacks/sms/brevo?n={n}", body)),
                    $"brevo sms ?n={n[..Math.Min(n.Length, 20)]} {body[..Math.Min(body.Length, 120)]}");
        await AssertChainValidAsync(await ProcedureOfAsync(ours));
    }

    [Fact]
    public async Task CallbackBodiesAboveTheirCapAreRefusedWith413BeforeBeingRead()
    {
        EnableCallbackSecrets();
        var client = app.Anonymous();
        var twoMegabytes = "{\"event\":\"delivered\",\"reason\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";
        foreach (var path in new[] { "/callbacks/email/brevo", "/callbacks/sms/brevo" })
            await Expect.ProblemAsync(await client.SendAsync(BrevoPost(path, twoMegabytes)), HttpStatusCode.RequestEntityTooLarge, "request_too_large");

        // Twilio: unauthenticated until its signature is checked over the form, so the form is capped at 64 KB, with or
        // without a Content-Length (chunked).
        var fourMegabytes = "MessageSid=SM1&MessageStatus=delivered&Junk=" + new string('x', 4 * 1024 * 1024);
        await Expect.ProblemAsync(await client.PostAsync("/callbacks/sms/twilio",
            new StringContent(fourMegabytes, Encoding.ASCII, "application/x-www-form-urlencoded")), HttpStatusCode.RequestEntityTooLarge, "request_too_large");
        var chunked = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes(fourMegabytes)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        var request = new HttpRequestMessage(HttpMethod.Post, "/callbacks/sms/twilio") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await Expect.ProblemAsync(await client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "request_too_large");

        // Many tiny fields under the cap: refused by the form's bounds, not a 500.
        var manyFields = string.Join("&", Enumerable.Range(0, 5000).Select(i => $"f{i}=1"));
        await AssertAnsweredAsync(await client.PostAsync("/callbacks/sms/twilio",
            new StringContent(manyFields, Encoding.ASCII, "application/x-www-form-urlencoded")), "twilio with 5000 fields");
    }

    [Fact]
    public async Task SignedTwilioCallbacksWithOddFieldsAreAnsweredWithoutAServerError()
    {
        EnableCallbackSecrets();
        var ours = await AnEmailInvitationAsync();
        var client = app.Anonymous();
        var forms = new[]
        {
            new Dictionary<string, string> { ["MessageSid"] = "SM\0x", ["MessageStatus"] = "failed", ["ErrorCode"] = new string('9', 10_000) },
            new Dictionary<string, string> { ["MessageSid"] = "", ["MessageStatus"] = "delivered" },
            new Dictionary<string, string> { ["MessageSid"] = new string('s', 20_000), ["MessageStatus"] = "undelivered", ["ErrorCode"] = "é\u202e\u0007" },
            new Dictionary<string, string> { ["MessageStatus"] = "DELIVERED\0" },
            new Dictionary<string, string>(),
        };
        foreach (var n in new[] { ours, "\0", "" })
            foreach (var form in forms)
            {
                var url = ParapheApp.PublicBaseUrl + "/callbacks/sms/twilio" + (n.Length == 0 ? "" : $"?n={Uri.EscapeDataString(n)}");
                var request = new HttpRequestMessage(HttpMethod.Post, url[ParapheApp.PublicBaseUrl.Length..]) { Content = new FormUrlEncodedContent(form) };
                request.Headers.Add("X-Twilio-Signature", TwilioSignature.Compute(TwilioToken, url, form));
                await AssertAnsweredAsync(await client.SendAsync(request), $"twilio ?n={n} {string.Join("&", form.Keys)}");
            }
    }
}
