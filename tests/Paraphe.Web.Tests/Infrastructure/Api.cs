using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Paraphe.Testing;

namespace Paraphe.Web.Tests.Infrastructure;

/// <summary>An agency's client of the REST API, speaking the wire format (snake_case JSON) as integrators do.</summary>
public sealed class Api
{
    private static readonly TimeSpan DispatcherWait = TimeSpan.FromSeconds(30);

    public Api(ParapheApp app, string apiKey)
    {
        App = app;
        Http = app.CreateClient();
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public ParapheApp App { get; }
    public HttpClient Http { get; }

    /// <summary>An address that passes the checks: ASCII local part (no SMTPUTF8 for "Lefèvre"), a real domain.</summary>
    public static string UniqueEmail(string first, string last) =>
        $"{Ascii(first)}.{Ascii(last)}.{Guid.NewGuid().ToString("N")[..8]}@gmail.com".ToLowerInvariant();

    private static string Ascii(string s) => new(s.Normalize(System.Text.NormalizationForm.FormD)
        .Where(c => c < 128 && char.IsLetterOrDigit(c)).ToArray());

    /// <summary>A valid mainland French mobile (06 1x xx xx xx), different for every call.</summary>
    public static string UniqueMobile() => "+3361" + Random.Shared.Next(0, 10_000_000).ToString("D7", System.Globalization.CultureInfo.InvariantCulture);

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PatchAsync(string path, object body) => Http.PatchAsync(path, JsonContent.Create(body));

    public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(path);

    public Task<HttpResponseMessage> DeleteAsync(string path) => Http.DeleteAsync(path);

    public async Task<JsonElement> CreateContactAsync(string first = "Jeanne", string last = "Durand", string? email = null, string? mobile = null)
    {
        var response = await PostAsync("/api/v1/contacts", new
        {
            first_name = first, last_name = last, email = email ?? UniqueEmail(first, last), mobile = mobile ?? UniqueMobile(),
        });
        return await Expect.JsonAsync(response, HttpStatusCode.Created);
    }

    public static MultipartFormDataContent PdfForm(byte[] bytes, string title = "Compromis de vente", string kind = "compromis",
        string fileName = "compromis.pdf", string contentType = "application/pdf")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        form.Add(new StringContent(title), "title");
        form.Add(new StringContent(kind), "kind");
        return form;
    }

    public Task<HttpResponseMessage> UploadAsync(byte[] bytes, string title = "Compromis de vente") =>
        Http.PostAsync("/api/v1/documents", PdfForm(bytes, title));

    public async Task<JsonElement> UploadPdfAsync(string title = "Compromis de vente") =>
        await Expect.JsonAsync(await UploadAsync(SamplePdfs.Valid(2, title), title), HttpStatusCode.Created);

    public Task<HttpResponseMessage> CreateProcedureRawAsync(object body) => PostAsync("/api/v1/procedures", body);

    public async Task<JsonElement> CreateProcedureAsync(string documentId, string mode, params string[] contactIds)
    {
        var response = await CreateProcedureRawAsync(new
        {
            document_id = documentId, mode,
            signers = contactIds.Select((c, i) => new { contact_id = c, role = i == 0 ? "vendeur" : "acquéreur" }).ToArray(),
        });
        return await Expect.JsonAsync(response, HttpStatusCode.Created);
    }

    /// <summary>A draft with a fresh document and <paramref name="signers"/> fresh contacts with valid coordinates.</summary>
    public async Task<(JsonElement Procedure, JsonElement[] Contacts)> DraftAsync(string mode, int signers = 2)
    {
        var document = await UploadPdfAsync();
        var names = new[] { ("Jeanne", "Durand"), ("Marc", "Lefèvre"), ("Inès", "Moreau") };
        var contacts = new JsonElement[signers];
        for (var i = 0; i < signers; i++) contacts[i] = await CreateContactAsync(names[i].Item1, names[i].Item2);
        var procedure = await CreateProcedureAsync(document.Str("id"), mode, contacts.Select(c => c.Str("id")).ToArray());
        return (procedure, contacts);
    }

    public async Task<(JsonElement Procedure, JsonElement[] Contacts)> LaunchedAsync(string mode, int signers = 2)
    {
        var (draft, contacts) = await DraftAsync(mode, signers);
        return (await LaunchAsync(draft.Str("id")), contacts);
    }

    public async Task<JsonElement> LaunchAsync(string procedureId) =>
        await Expect.JsonAsync(await PostAsync($"/api/v1/procedures/{procedureId}/launch"), HttpStatusCode.OK);

    public async Task<JsonElement> ProcedureAsync(string procedureId) =>
        await Expect.JsonAsync(await GetAsync($"/api/v1/procedures/{procedureId}"), HttpStatusCode.OK);

    public async Task<JsonElement> AuditAsync(string procedureId) =>
        await Expect.JsonAsync(await GetAsync($"/api/v1/procedures/{procedureId}/audit"), HttpStatusCode.OK);

    public async Task<JsonElement[]> OutboxAsync(string? to = null)
    {
        var path = to is null ? "/api/v1/dev/outbox?limit=500" : $"/api/v1/dev/outbox?to={Uri.EscapeDataString(to)}";
        var json = await Expect.JsonAsync(await GetAsync(path), HttpStatusCode.OK);
        return json.EnumerateArray().ToArray();
    }

    /// <summary>Polls the dev outbox until <paramref name="count"/> messages to <paramref name="to"/> are there (the dispatcher runs apart).</summary>
    public async Task<JsonElement[]> WaitForOutboxAsync(string to, int count = 1)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var messages = await OutboxAsync(to);
            if (messages.Length >= count) return messages;
            if (watch.Elapsed > DispatcherWait)
                throw new Xunit.Sdk.XunitException(
                    $"The dev outbox shows {messages.Length} message(s) to {to} after {DispatcherWait.TotalSeconds} s; expected {count}.");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The first signer's invitation on <paramref name="channel"/> ("email" or "sms") once <paramref name="done"/>
    /// holds — the dispatcher and the providers' callbacks run apart — and that signer.
    /// </summary>
    public async Task<(JsonElement Notification, JsonElement Signer)> WaitForInvitationAsync(string procedureId, string channel,
        Func<JsonElement, bool> done)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var signer = (await ProcedureAsync(procedureId)).Signers()[0];
            var invitation = signer.Arr("notifications").First(n => n.Str("channel") == channel && n.Str("purpose") == "invitation");
            if (done(invitation)) return (invitation, signer);
            if (watch.Elapsed > DispatcherWait)
                throw new Xunit.Sdk.XunitException($"The {channel} invitation never reached the expected state: {invitation}");
            await Task.Delay(50);
        }
    }

    /// <summary>The first signer's SMS and email invitations both `sent`: what the list and its caches see once the
    /// dispatcher has recorded its batches (nothing else writes the procedure afterwards).</summary>
    public async Task WaitForInvitationsSentAsync(string procedureId)
    {
        await WaitForInvitationAsync(procedureId, "sms", n => n.Str("status") == "sent");
        await WaitForInvitationAsync(procedureId, "email", n => n.Str("status") == "sent");
    }

    /// <summary>
    /// A face-to-face procedure with two signers, launched and signed by each in turn (drawn when
    /// <paramref name="drawnSignature"/> is given, else their typed last name): completed, its seal on the way.
    /// </summary>
    public async Task<(string Id, JsonElement[] Contacts)> CompletedInPersonAsync(string? drawnSignature = null)
    {
        var (procedure, contacts) = await LaunchedAsync("in_person");
        var id = procedure.Str("id");
        foreach (var (signer, contact) in procedure.Signers().Zip(contacts))
            await Expect.JsonAsync(await PostAsync($"/api/v1/procedures/{id}/signers/{signer.Str("id")}/sign-in-person", new
            {
                consent = true, confirmed_name = $"{contact.Str("first_name")} {contact.Str("last_name")}",
                signature_image = drawnSignature, typed_name = drawnSignature is null ? contact.Str("last_name") : null,
            }), HttpStatusCode.OK);
        return (id, contacts);
    }

    /// <summary>
    /// The 6 digits of the newest code requested for signer n° <paramref name="signerIndex"/>, from the SMS that carried
    /// it (matched by its notification: an older code requested just before may never leave, being replaced).
    /// </summary>
    public async Task<string> NewestCodeAsync(string procedureId, int signerIndex = 0)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var newest = (await ProcedureAsync(procedureId)).Signers()[signerIndex].Arr("notifications")
                .Where(n => n.Str("purpose") == "otp").MaxBy(n => n.GetProperty("created_at").GetDateTime()); // not as text: JSON drops trailing zeros
            if (newest.ValueKind == JsonValueKind.Object
                && (await OutboxAsync(newest.Str("to"))).FirstOrDefault(m => m.Str("notification_id") == newest.Str("id")) is
                   { ValueKind: JsonValueKind.Object } sms)
                return System.Text.RegularExpressions.Regex.Match(sms.Str("body"), "[0-9]{6}").Value;
            if (watch.Elapsed > DispatcherWait)
                throw new Xunit.Sdk.XunitException($"The newest code SMS of signer {signerIndex} never reached the outbox.");
            await Task.Delay(50);
        }
    }

    /// <summary>The procedure once the sealing worker has sealed its signed document.</summary>
    public async Task<JsonElement> WaitForSealedAsync(string procedureId)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var procedure = await ProcedureAsync(procedureId);
            if (!procedure.IsNull("sealed_at")) return procedure;
            if (watch.Elapsed > DispatcherWait)
                throw new Xunit.Sdk.XunitException($"The procedure was never sealed: {procedure}");
            await Task.Delay(50);
        }
    }

    /// <summary>The token of the personal link sent to <paramref name="email"/> (the newest invitation).</summary>
    public async Task<string> SigningTokenAsync(string email)
    {
        var message = (await WaitForOutboxAsync(email))[0];
        var link = message.GetProperty("links").EnumerateArray().Select(l => l.GetString()!).Single(l => l.Contains("/sign/", StringComparison.Ordinal));
        return link[(link.IndexOf("/sign/", StringComparison.Ordinal) + "/sign/".Length)..];
    }
}

/// <summary>Assertions on HTTP answers.</summary>
public static class Expect
{
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>An RFC 9457 problem with the stable `code`; returns it for further checks.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await JsonAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, problem.Str("code"));
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.Str("detail")), "a problem says what happened in `detail`");
        return problem;
    }

    /// <summary>The keys of a validation problem's `errors`.</summary>
    public static string[] ErrorKeys(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray() : [];
}

public static class JsonExtensions
{
    public static string Str(this JsonElement e, string property) =>
        e.GetProperty(property).GetString() ?? throw new Xunit.Sdk.XunitException($"`{property}` is null in {e}");

    public static string? StrOrNull(this JsonElement e, string property) =>
        e.TryGetProperty(property, out var p) && p.ValueKind != JsonValueKind.Null ? p.GetString() : null;

    public static bool IsNull(this JsonElement e, string property) =>
        !e.TryGetProperty(property, out var p) || p.ValueKind == JsonValueKind.Null;

    public static JsonElement[] Arr(this JsonElement e, string property) => e.GetProperty(property).EnumerateArray().ToArray();

    public static JsonElement[] Signers(this JsonElement procedure) => procedure.Arr("signers");
}
