using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Paraphe.Domain.Procedures;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 2 (and the input-shaped cases of point 4): every text a caller sends has a maximum length and
/// character rules, refused as `422 validation_failed` naming the field, with nothing written and never a 500 —
/// on PostgreSQL too, which refuses U+0000 outright. Body limits and token-before-body: InputLimits.Bodies.cs.
/// </summary>
public abstract partial class InputLimits(ParapheApp app)
{
    private readonly Api api = app.Api();

    /// <summary>What a refused request must not have changed: rows of every kind a caller can create, and signers' answers.</summary>
    private Task<string> SnapshotAsync() => app.DbAsync(async db =>
        string.Join(' ',
            await db.Contacts.IgnoreQueryFilters().CountAsync(),
            await db.Documents.IgnoreQueryFilters().CountAsync(),
            await db.Procedures.IgnoreQueryFilters().CountAsync(),
            await db.Procedures.IgnoreQueryFilters().CountAsync(p => p.Status == ProcedureStatus.Cancelled),
            await db.Signers.IgnoreQueryFilters().CountAsync(),
            await db.Signers.IgnoreQueryFilters().CountAsync(s => s.Status != SignerStatus.Pending)));

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string J(string s) => JsonSerializer.Serialize(s);

    /// <summary>Sends what <paramref name="request"/> builds and checks: 422 validation_failed naming <paramref name="field"/>, nothing written.</summary>
    private async Task RefusedAsync(Func<Task<HttpResponseMessage>> request, string field)
    {
        var before = await SnapshotAsync();
        var response = await request();
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} on {app.DatabaseName} → {(int)response.StatusCode}: {body}");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("validation_failed", problem.Str("code"));
        Assert.Contains(field, Expect.ErrorKeys(problem));
        Assert.Equal(before, await SnapshotAsync());
    }

    // ---- Every text field, one character over its limit ----

    public static TheoryData<string, int> TextFields => new()
    {
        { "first_name", 100 }, { "last_name", 100 }, { "email", 254 }, { "mobile", 40 }, { "language", 10 },
        { "title", 200 }, { "kind", 50 }, { "signers[0].role", 100 }, { "cancel.reason", 1000 }, { "relaunch.reason", 1000 },
        { "notary.email", 254 }, { "decline.reason", 1000 }, { "typed_name", 120 }, { "confirmed_name", 201 }, { "otp", 12 },
        { "procedures.q", 200 }, { "contacts.q", 200 }, { "status", 100 },
    };

    [Theory]
    [MemberData(nameof(TextFields))]
    public async Task ATextOneCharacterOverItsLimitIsRefusedNamingTheField(string field, int max)
    {
        var value = new string('é', max + 1);
        var (request, key) = await RequestWithAsync(field, value);
        await RefusedAsync(request, key);
    }

    [Theory]
    [MemberData(nameof(TextFields))]
    public async Task AHugeTextIsRefusedJustAsWell(string field, int max)
    {
        // 20 000 characters: still under the 64 KB body limit, so the text rule (not the body size) must answer.
        var value = new string('w', Math.Max(max + 1, 20_000));
        var (request, key) = await RequestWithAsync(field, value);
        await RefusedAsync(request, key);
    }

    // ---- Characters: controls, bidi formatting, NUL, lone surrogates ----

    public static TheoryData<string, string> OddCharacters()
    {
        var data = new TheoryData<string, string>();
        string[] fields = ["first_name", "last_name", "title", "kind", "signers[0].role", "typed_name", "confirmed_name", "cancel.reason", "decline.reason", "relaunch.reason"];
        string[] odd = ["nul", "bell", "c1", "rlo", "isolate", "rlm", "alm"];
        foreach (var f in fields)
            foreach (var o in odd)
                data.Add(f, o);
        return data;
    }

    private static string Odd(string kind) => kind switch
    {
        "nul" => "Jean\u0000ne",
        "bell" => "Jean\u0007ne",
        "c1" => "Jean\u0085ne",
        "rlo" => "Jean\u202Ene", // « Jeanne » that would display reversed
        "isolate" => "Jean\u2067ne\u2069",
        "rlm" => "Jean\u200Fne",
        "alm" => "Jean\u061Cne",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(OddCharacters))]
    public async Task ControlBidiAndNulCharactersAreRefusedNamingTheField(string field, string odd)
    {
        var (request, key) = await RequestWithAsync(field, Odd(odd));
        await RefusedAsync(request, key);
    }

    [Theory]
    [InlineData("last_name")]
    [InlineData("signers[0].role")]
    [InlineData("decline.reason")]
    [InlineData("confirmed_name")]
    public async Task ALoneSurrogateEscapedInJsonIsRefusedNamingTheField(string field)
    {
        // "\ud800" is valid JSON text but no valid string: the raw escape must not become a 400 or a 500.
        var (request, key) = await RequestWithAsync(field, "Jean\ud800ne", rawEscapes: true);
        await RefusedAsync(request, key);
    }

    [Theory]
    [InlineData("cancel.reason")]
    [InlineData("decline.reason")]
    public async Task AReasonMayHoldLineBreaks(string field)
    {
        var (request, _) = await RequestWithAsync(field, "Le prix a changé.\r\nNous en reparlons\tdemain.");
        var response = await request();
        Assert.True(response.IsSuccessStatusCode, $"{field} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task ANameWithDiacriticsGreekCyrillicCjkAndEmojiIsAccepted()
    {
        var contact = await api.CreateContactAsync("Ἀλέξανδρος 王小明", "Лефевр-Müller 😀");
        Assert.Equal("Лефевр-Müller 😀", contact.Str("last_name"));
    }

    [Theory]
    [InlineData("/api/v1/contacts?q=a%00b", "q")]
    [InlineData("/api/v1/procedures?status=ongoing%00", "status")]
    public async Task ANulInAQueryIsRefusedBeforeTheDatabase(string path, string key) // in a path, the server itself refuses it
    {
        var problem = await Expect.ProblemAsync(await api.GetAsync(path), HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Contains(key, Expect.ErrorKeys(problem));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ANulInASigningPageFormIsRefusedAndNotRecorded(bool multipart)
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        using HttpContent form = multipart
            ? new MultipartFormDataContent { { new StringContent("non\u0000merci"), "DeclineReason" } }
            : new FormUrlEncodedContent(new Dictionary<string, string> { ["DeclineReason"] = "non\u0000merci" });

        var response = await app.Anonymous().PostAsync($"/sign/{token}?handler=decline", form);

        // Urlencoded, the framework's form reader refuses it (400); in a multipart form, Paraphe does (422).
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, await response.Content.ReadAsStringAsync());
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("pending", (await api.ProcedureAsync(procedure.Str("id"))).Signers()[0].Str("status"));
    }

    /// <summary>
    /// The request that sends <paramref name="value"/> as <paramref name="field"/>, on fresh data where needed,
    /// and the error key it must be refused under.
    /// </summary>
    private async Task<(Func<Task<HttpResponseMessage>> Request, string Key)> RequestWithAsync(string field, string value, bool rawEscapes = false)
    {
        // rawEscapes: the value is written into the JSON as is, with its \uXXXX escapes, not serialised.
        var v = rawEscapes ? "\"" + string.Concat(value.Select(c => c < 128 ? c.ToString() : $"\\u{(int)c:x4}")) + "\"" : J(value);
        switch (field)
        {
            case "first_name" or "last_name" or "email" or "mobile" or "language":
            {
                var others = new Dictionary<string, string> { ["first_name"] = "\"Jeanne\"", ["last_name"] = "\"Durand\"" };
                others[field] = v;
                var json = "{" + string.Join(',', others.Select(kv => $"\"{kv.Key}\":{kv.Value}")) + "}";
                return (() => api.Http.PostAsync("/api/v1/contacts", Json(json)), field);
            }
            case "title":
                return (() => api.Http.PostAsync("/api/v1/documents", Api.PdfForm(SamplePdfs.Valid(1), title: value)), "title");
            case "kind":
                return (() => api.Http.PostAsync("/api/v1/documents", Api.PdfForm(SamplePdfs.Valid(1), kind: value)), "kind");
            case "signers[0].role":
            {
                var document = await api.UploadPdfAsync();
                var contact = await api.CreateContactAsync();
                var json = $"{{\"document_id\":{J(document.Str("id"))},\"mode\":\"remote\",\"signers\":[{{\"contact_id\":{J(contact.Str("id"))},\"role\":{v}}}]}}";
                return (() => api.Http.PostAsync("/api/v1/procedures", Json(json)), "signers[0].role");
            }
            case "cancel.reason":
            {
                var (procedure, _) = await api.DraftAsync("remote", signers: 1);
                return (() => api.Http.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/cancel", Json($"{{\"reason\":{v}}}")), "reason");
            }
            case "relaunch.reason":
            {
                var (procedure, _) = await api.LaunchedAsync("remote", signers: 1);
                return (() => api.Http.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/relaunch", Json($"{{\"reason\":{v}}}")), "reason");
            }
            case "notary.email":
            {
                var (procedure, _) = await api.DraftAsync("remote", signers: 1);
                return (() => api.Http.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/send-to-notary", Json($"{{\"email\":{v}}}")), "email");
            }
            case "decline.reason":
            {
                var (_, contacts) = await api.LaunchedAsync("remote", signers: 1);
                var token = await api.SigningTokenAsync(contacts[0].Str("email"));
                return (() => app.Anonymous().PostAsync($"/api/v1/signing/{token}/decline", Json($"{{\"reason\":{v}}}")), "reason");
            }
            case "typed_name" or "otp":
            {
                var (_, contacts) = await api.LaunchedAsync("remote", signers: 1);
                var token = await api.SigningTokenAsync(contacts[0].Str("email"));
                var json = field == "typed_name"
                    ? $"{{\"consent\":true,\"typed_name\":{v}}}"
                    : $"{{\"consent\":true,\"typed_name\":\"Durand\",\"otp\":{v}}}";
                return (() => app.Anonymous().PostAsync($"/api/v1/signing/{token}/sign", Json(json)), field);
            }
            case "confirmed_name":
            {
                var (procedure, _) = await api.LaunchedAsync("in_person", signers: 1);
                var signer = procedure.Signers()[0].Str("id");
                var json = $"{{\"consent\":true,\"typed_name\":\"Durand\",\"confirmed_name\":{v}}}";
                return (() => api.Http.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/signers/{signer}/sign-in-person", Json(json)), "confirmed_name");
            }
            case "procedures.q":
                return (() => api.GetAsync($"/api/v1/procedures?q={Uri.EscapeDataString(value)}"), "q");
            case "contacts.q":
                return (() => api.GetAsync($"/api/v1/contacts?q={Uri.EscapeDataString(value)}"), "q");
            case "status":
                return (() => api.GetAsync($"/api/v1/procedures?status={Uri.EscapeDataString(value)}"), "status");
            default:
                throw new ArgumentOutOfRangeException(nameof(field), field, null);
        }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class InputLimitsOnSqlite(SqliteApp app) : InputLimits(app);

[Collection(PostgresCollection.Name)]
public sealed class InputLimitsOnPostgres(PostgresApp app) : InputLimits(app);
