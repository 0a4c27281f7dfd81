using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>
/// Face to face with `otp`: the agent's session asks for each signer's code, which goes by SMS to the signer's own
/// mobile; `sign-in-person` takes it under the same rules as a signature by link. No invitation is ever sent.
/// </summary>
public abstract partial class InPersonSigningOtp(ParapheApp app)
{
    private readonly Api api = app.Api();

    private async Task<(string Id, JsonElement[] Signers, JsonElement[] Contacts)> LaunchedAsync(bool otp = true)
    {
        var document = await api.UploadPdfAsync();
        var contacts = new[] { await api.CreateContactAsync("Jeanne", "Durand"), await api.CreateContactAsync("Marc", "Lefèvre") };
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "in_person", otp,
            signers = contacts.Select((c, i) => new { contact_id = c.Str("id"), role = i == 0 ? "vendeur" : "acquéreur" }).ToArray(),
        }), HttpStatusCode.Created);
        var launched = await api.LaunchAsync(draft.Str("id"));
        return (draft.Str("id"), launched.Signers(), contacts);
    }

    private Task<HttpResponseMessage> RequestCode(string id, string signerId) =>
        api.PostAsync($"/api/v1/procedures/{id}/signers/{signerId}/otp");

    private Task<HttpResponseMessage> SignInPerson(string id, string signerId, string confirmedName, string? otp) =>
        api.PostAsync($"/api/v1/procedures/{id}/signers/{signerId}/sign-in-person", new
        {
            consent = true, confirmed_name = confirmedName, otp,
            signature_image = "data:image/png;base64," + Convert.ToBase64String(SamplePdfs.NotAPdf()),
        });

    /// <summary>The digits of the newest SMS to <paramref name="mobile"/>, once <paramref name="count"/> SMS reached it.</summary>
    private async Task<string> CodeSmsAsync(string mobile, int count)
    {
        var body = (await api.WaitForOutboxAsync(mobile, count))[0].Str("body");
        Assert.Matches(@"^.+ : votre code de signature Paraphe est [0-9]{6}\. Il expire dans 10 minutes\.$", body);
        return Digits().Match(body).Value;
    }

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex Digits();

    private static string Wrong(string code) => code == "000000" ? "111111" : "000000";

    [Fact]
    public async Task EachSignerConfirmsWithTheCodeSentToTheirOwnMobileAndNoInvitationIsSent()
    {
        var (id, signers, contacts) = await LaunchedAsync();
        var (first, second) = (signers[0].Str("id"), signers[1].Str("id"));
        var (firstMobile, secondMobile) = (contacts[0].Str("mobile"), contacts[1].Str("mobile"));

        await Expect.ProblemAsync(await SignInPerson(id, first, "Jeanne Durand", null), HttpStatusCode.UnprocessableEntity, "otp_required");
        var sent = await Expect.JsonAsync(await RequestCode(id, first), HttpStatusCode.Accepted);
        Assert.Matches(@"^0[67] •• •• •• [0-9]{2}$", sent.Str("sent_to"));
        Assert.EndsWith(firstMobile[^2..], sent.Str("sent_to"), StringComparison.Ordinal);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime.AddMinutes(10),
            DateTime.Parse(sent.Str("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), TimeSpan.FromSeconds(1));
        var code = await CodeSmsAsync(firstMobile, 1);

        // The wrong person holding the device uses none of the signer's attempts.
        var wrongName = await Expect.ProblemAsync(await SignInPerson(id, first, "Marc Lefèvre", code),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Contains("confirmed_name", Expect.ErrorKeys(wrongName));
        var refused = await Expect.ProblemAsync(await SignInPerson(id, first, "Jeanne Durand", Wrong(code)),
            HttpStatusCode.UnprocessableEntity, "otp_invalid");
        Assert.Equal(4, refused.GetProperty("attempts_left").GetInt32());
        Assert.Equal("pending", (await api.ProcedureAsync(id)).Signers()[0].Str("status"));

        var afterFirst = await Expect.JsonAsync(await SignInPerson(id, first, "jeanne durand", code), HttpStatusCode.OK);
        Assert.Equal(("signed", "ongoing"), (afterFirst.Signers()[0].Str("status"), afterFirst.Str("status")));
        Assert.True(afterFirst.Signers()[0].GetProperty("signed_in_person").GetBoolean());

        // The first signer's code does not sign for the second one.
        await Expect.ProblemAsync(await SignInPerson(id, second, "Marc Lefevre", code), HttpStatusCode.UnprocessableEntity, "otp_required");
        await Expect.JsonAsync(await RequestCode(id, second), HttpStatusCode.Accepted);
        var completed = await Expect.JsonAsync(await SignInPerson(id, second, "Marc Lefevre", await CodeSmsAsync(secondMobile, 1)),
            HttpStatusCode.OK);
        Assert.Equal("completed", completed.Str("status"));

        // Only the two code SMS left Paraphe to sign: no invitation (the signed document follows by email, once sealed).
        foreach (var signer in completed.Signers())
            Assert.Equal(["otp"], signer.Arr("notifications").Select(n => n.Str("purpose")).Where(p => p != "completion"));
        foreach (var contact in contacts)
            Assert.All(await api.OutboxAsync(contact.Str("email")), m => Assert.StartsWith("Document signé", m.Str("subject"), StringComparison.Ordinal));
        Assert.Single(await api.OutboxAsync(firstMobile));
        Assert.Single(await api.OutboxAsync(secondMobile));

        var audit = await api.AuditAsync(id);
        Assert.True(audit.GetProperty("valid").GetBoolean());
        var events = audit.Arr("events");
        var signed = events.Where(e => e.Str("type") == "signer.signed").ToList();
        Assert.Equal(2, signed.Count);
        Assert.All(signed, e => Assert.Equal("in_person_otp", e.GetProperty("data").Str("method")));
        Assert.Equal(["signer.otp_sent", "signer.otp_failed", "signer.otp_verified", "signer.signed",
                "signer.otp_sent", "signer.otp_verified", "signer.signed"],
            events.Select(e => e.Str("type")).Where(t => t.StartsWith("signer.otp", StringComparison.Ordinal) || t == "signer.signed"));
        Assert.DoesNotContain(code, audit.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FiveWrongCodesVoidTheCodeAndAFourthCodeInFifteenMinutesIsRefused()
    {
        var (id, signers, contacts) = await LaunchedAsync();
        var first = signers[0].Str("id");
        await Expect.JsonAsync(await RequestCode(id, first), HttpStatusCode.Accepted);
        var code = await CodeSmsAsync(contacts[0].Str("mobile"), 1);

        for (var i = 0; i < 4; i++)
            await Expect.ProblemAsync(await SignInPerson(id, first, "Jeanne Durand", Wrong(code)), HttpStatusCode.UnprocessableEntity, "otp_invalid");
        await Expect.ProblemAsync(await SignInPerson(id, first, "Jeanne Durand", Wrong(code)), HttpStatusCode.TooManyRequests, "otp_attempts_exceeded");
        await Expect.ProblemAsync(await SignInPerson(id, first, "Jeanne Durand", code), HttpStatusCode.TooManyRequests, "otp_attempts_exceeded");

        await Expect.JsonAsync(await RequestCode(id, first), HttpStatusCode.Accepted);
        await Expect.JsonAsync(await RequestCode(id, first), HttpStatusCode.Accepted);
        var limit = await Expect.ProblemAsync(await RequestCode(id, first), HttpStatusCode.TooManyRequests, "otp_send_limit");
        Assert.True(DateTime.Parse(limit.Str("next_otp_at"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)
            > app.Clock.GetUtcNow().UtcDateTime.AddMinutes(14));

        var newest = await api.NewestCodeAsync(id);
        await Expect.JsonAsync(await SignInPerson(id, first, "Jeanne Durand", newest), HttpStatusCode.OK);
    }

    [Fact]
    public async Task ACodeTypedAfterTenMinutesHasExpired()
    {
        var (id, signers, contacts) = await LaunchedAsync();
        var first = signers[0].Str("id");
        await Expect.JsonAsync(await RequestCode(id, first), HttpStatusCode.Accepted);
        var code = await CodeSmsAsync(contacts[0].Str("mobile"), 1);

        app.Clock.Advance(TimeSpan.FromMinutes(10));

        await Expect.ProblemAsync(await SignInPerson(id, first, "Jeanne Durand", code), HttpStatusCode.UnprocessableEntity, "otp_expired");
        Assert.Equal("pending", (await api.ProcedureAsync(id)).Signers()[0].Str("status"));
    }

    [Fact]
    public async Task WithoutTheOptionNoCodeIsSentAndTheSignatureStaysInPerson()
    {
        var (id, signers, contacts) = await LaunchedAsync(otp: false);

        await Expect.ProblemAsync(await RequestCode(id, signers[0].Str("id")), HttpStatusCode.Conflict, "otp_not_enabled");
        await Expect.JsonAsync(await SignInPerson(id, signers[0].Str("id"), "Jeanne Durand", "123456"), HttpStatusCode.OK);

        Assert.Empty(await api.OutboxAsync(contacts[0].Str("mobile")));
        var signed = (await api.AuditAsync(id)).Arr("events").Single(e => e.Str("type") == "signer.signed");
        Assert.Equal("in_person", signed.GetProperty("data").Str("method"));
    }

    [Fact]
    public async Task TheAgentsCodeRequestIsOnlyForFaceToFace()
    {
        var (procedure, _) = await api.LaunchedAsync("remote", signers: 1);

        await Expect.ProblemAsync(await RequestCode(procedure.Str("id"), procedure.Signers()[0].Str("id")),
            HttpStatusCode.Conflict, "invalid_transition");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class InPersonSigningOtpOnSqlite(SqliteApp app) : InPersonSigningOtp(app);

[Collection(PostgresCollection.Name)]
public sealed class InPersonSigningOtpOnPostgres(PostgresApp app) : InPersonSigningOtp(app);
