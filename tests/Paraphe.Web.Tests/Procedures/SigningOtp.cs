using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>Procedures with `otp`: the signer requests a 6-digit code by SMS and types it to sign.</summary>
public abstract partial class SigningOtp(ParapheApp app)
{
    private readonly Api api = app.Api();

    private static readonly object Typed = new { consent = true, typed_name = "Jeanne Durand" };

    private async Task<(string Id, string Token, string Mobile, JsonElement[] Contacts)> LaunchedAsync(bool otp = true)
    {
        var document = await api.UploadPdfAsync();
        var contacts = new[] { await api.CreateContactAsync("Jeanne", "Durand"), await api.CreateContactAsync("Marc", "Lefèvre") };
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", otp,
            signers = contacts.Select((c, i) => new { contact_id = c.Str("id"), role = i == 0 ? "vendeur" : "acquéreur" }).ToArray(),
        }), HttpStatusCode.Created);
        await api.LaunchAsync(draft.Str("id"));
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        return (draft.Str("id"), token, contacts[0].Str("mobile"), contacts);
    }

    private Task<HttpResponseMessage> RequestCode(string token) =>
        app.Anonymous().PostAsync($"/api/v1/signing/{token}/otp", null);

    private Task<HttpResponseMessage> Sign(string token, string? otp) =>
        app.Anonymous().PostAsync($"/api/v1/signing/{token}/sign",
            JsonContent.Create(new { consent = true, typed_name = "Jeanne Durand", otp }));

    /// <summary>The digits of the newest code SMS to <paramref name="mobile"/> (after the invitation: message n° <paramref name="count"/>).</summary>
    private async Task<string> CodeSmsAsync(string mobile, int count)
    {
        var sms = (await api.WaitForOutboxAsync(mobile, count))[0];
        var body = sms.Str("body");
        Assert.Matches(@"^.+ : votre code de signature Paraphe est [0-9]{6}\. Il expire dans 10 minutes\.$", body);
        return Digits().Match(body).Value;
    }

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex Digits();

    [Fact]
    public async Task AWrongCodeIsRefusedWithAttemptsLeftThenTheRightOneSignsOnce()
    {
        var (id, token, mobile, _) = await LaunchedAsync();
        var view = await Expect.JsonAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.OK);
        Assert.True(view.GetProperty("otp_required").GetBoolean());

        await Expect.ProblemAsync(await Sign(token, null), HttpStatusCode.UnprocessableEntity, "otp_required");
        var sent = await Expect.JsonAsync(await RequestCode(token), HttpStatusCode.Accepted);
        Assert.Matches(@"^0[67] •• •• •• [0-9]{2}$", sent.Str("sent_to"));
        Assert.EndsWith(mobile[^2..], sent.Str("sent_to"), StringComparison.Ordinal);
        var code = await CodeSmsAsync(mobile, 2);
        var wrong = code == "000000" ? "111111" : "000000";

        var refused = await Expect.ProblemAsync(await Sign(token, wrong), HttpStatusCode.UnprocessableEntity, "otp_invalid");
        Assert.Equal(4, refused.GetProperty("attempts_left").GetInt32());
        Assert.Equal("pending", (await api.ProcedureAsync(id)).Signers()[0].Str("status"));

        var signed = await Expect.JsonAsync(await Sign(token, code), HttpStatusCode.OK);
        Assert.Equal("signed", signed.Str("status"));
        await Expect.ProblemAsync(await Sign(token, code), HttpStatusCode.Conflict, "invalid_transition");

        var procedure = await api.ProcedureAsync(id);
        var otpSms = procedure.Signers()[0].Arr("notifications").Single(n => n.Str("purpose") == "otp");
        Assert.Equal(("sms", mobile), (otpSms.Str("channel"), otpSms.Str("to")));

        var audit = await api.AuditAsync(id);
        Assert.True(audit.GetProperty("valid").GetBoolean());
        var types = audit.Arr("events").Select(e => e.Str("type")).ToList();
        Assert.Equal(["signer.otp_sent", "signer.otp_failed", "signer.otp_verified", "signer.signed"],
            types.Where(t => t.StartsWith("signer.otp", StringComparison.Ordinal) || t == "signer.signed"));
        var failed = audit.Arr("events").Single(e => e.Str("type") == "signer.otp_failed").GetProperty("data");
        Assert.Equal(("wrong", 4), (failed.Str("reason"), failed.GetProperty("attempts_left").GetInt32()));
        Assert.DoesNotContain(code, audit.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("remote_otp", audit.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FiveWrongCodesVoidTheCodeAndAFourthCodeInFifteenMinutesIsRefused()
    {
        var (id, token, mobile, _) = await LaunchedAsync();
        await Expect.JsonAsync(await RequestCode(token), HttpStatusCode.Accepted);
        var code = await CodeSmsAsync(mobile, 2);
        var wrong = code == "000000" ? "111111" : "000000";

        for (var i = 0; i < 4; i++)
            await Expect.ProblemAsync(await Sign(token, wrong), HttpStatusCode.UnprocessableEntity, "otp_invalid");
        await Expect.ProblemAsync(await Sign(token, wrong), HttpStatusCode.TooManyRequests, "otp_attempts_exceeded");
        await Expect.ProblemAsync(await Sign(token, code), HttpStatusCode.TooManyRequests, "otp_attempts_exceeded");

        await Expect.JsonAsync(await RequestCode(token), HttpStatusCode.Accepted);
        await Expect.JsonAsync(await RequestCode(token), HttpStatusCode.Accepted);
        var limit = await Expect.ProblemAsync(await RequestCode(token), HttpStatusCode.TooManyRequests, "otp_send_limit");
        Assert.True(DateTime.Parse(limit.Str("next_otp_at"), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal) > app.Clock.GetUtcNow().UtcDateTime.AddMinutes(14));

        // The newest code (the third) signs.
        var newest = await api.NewestCodeAsync(id);
        await Expect.JsonAsync(await Sign(token, newest), HttpStatusCode.OK);
    }

    [Fact]
    public async Task ACodeOfOneSignerDoesNotSignForTheOther()
    {
        var (_, token, mobile, contacts) = await LaunchedAsync();
        var other = await api.SigningTokenAsync(contacts[1].Str("email"));
        await Expect.JsonAsync(await RequestCode(token), HttpStatusCode.Accepted);
        var code = await CodeSmsAsync(mobile, 2);

        await Expect.ProblemAsync(await Sign(other, code), HttpStatusCode.UnprocessableEntity, "otp_required");
        await Expect.JsonAsync(await RequestCode(other), HttpStatusCode.Accepted);
        var othersCode = await CodeSmsAsync(contacts[1].Str("mobile"), 2);
        if (othersCode != code)
            await Expect.ProblemAsync(await Sign(other, code), HttpStatusCode.UnprocessableEntity, "otp_invalid");
        await Expect.JsonAsync(await Sign(other, othersCode), HttpStatusCode.OK);
    }

    [Fact]
    public async Task AProcedureWithoutOtpIgnoresTheFieldAndRefusesToSendACode()
    {
        var (id, token, _, _) = await LaunchedAsync(otp: false);

        await Expect.ProblemAsync(await RequestCode(token), HttpStatusCode.Conflict, "otp_not_enabled");
        await Expect.JsonAsync(await Sign(token, "123456"), HttpStatusCode.OK);
        Assert.DoesNotContain("otp", (await api.AuditAsync(id)).Arr("events").Select(e => e.Str("type")).Aggregate("", string.Concat),
            StringComparison.Ordinal);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SigningOtpOnSqlite(SqliteApp app) : SigningOtp(app);

[Collection(PostgresCollection.Name)]
public sealed class SigningOtpOnPostgres(PostgresApp app) : SigningOtp(app);
