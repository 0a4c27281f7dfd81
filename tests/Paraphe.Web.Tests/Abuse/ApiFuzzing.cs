using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 4: a fuzz test of every operation of the OpenAPI document. With a fixed seed and a bounded count, it
/// sends generated bodies and parameters (wrong types, huge and odd strings, NUL, bidi overrides, lone surrogates,
/// numbers out of range, missing and extra fields, empty and malformed bodies, wrong content types, ids of nothing) and
/// asserts: no 5xx; every refusal problem+json with a `code`; every status observed declared for the operation; and
/// nothing half-written (every procedure's chain valid and starting with its creation; rows only from 2xx answers).
/// </summary>
public abstract class ApiFuzzing(ParapheApp app)
{
    private const int Seed = 20261206;
    private const int CasesPerOperation = 10;

    private readonly Api api = app.Api();
    private readonly Random random = new(Seed);

    private static readonly string[] OddStrings =
    [
        "", " ", "\0", "a\0b", "\u202Eevil\u202C", "\u200F\u2067x\u2069", "\uFEFF", "\r\n\t", "é", "王小明", "😀", "𝕏𝕐",
        "' OR 1=1 --", "<script>alert(1)</script>", "../../etc/passwd", "%00", "null", "true", "-1", "1e309",
        new string('a', 10_000), new string('é', 70_000), "ctc_" + new string('x', 300), "prc_nope", "x@y", "+33600000000",
    ];

    private static readonly JsonNode?[] OddNumbers =
        [0, -1, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, 1e308, -1e308, 0.5, JsonValue.Create(decimal.MaxValue)];

    /// <summary>Real ids to aim at (and how many procedures and contacts making them wrote, not counted as the fuzzer's).</summary>
    private async Task<Dictionary<string, string>> RealIdsAsync(Dictionary<string, string>? earlier = null)
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 2);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        var ids = new Dictionary<string, string>
        {
            ["contacts"] = contacts[1].Str("id"), ["procedures"] = procedure.Str("id"), ["signerId"] = procedure.Signers()[1].Str("id"),
            ["token"] = token, ["fixture_rows"] = ((earlier is null ? 0 : int.Parse(earlier["fixture_rows"], CultureInfo.InvariantCulture)) + 3)
                .ToString(CultureInfo.InvariantCulture),
        };
        if (earlier is not null)
        {
            foreach (var key in new[] { "documents", "draft", "outbox" }) ids[key] = earlier[key];
            return ids;
        }
        ids["draft"] = (await api.CreateProcedureAsync((await api.UploadPdfAsync()).Str("id"), "in_person", contacts[0].Str("id"))).Str("id");
        ids["documents"] = (await api.UploadPdfAsync()).Str("id");
        var outbox = await api.OutboxAsync(contacts[1].Str("email"));
        ids["outbox"] = outbox.Length > 0 ? outbox[0].Str("id") : "msg_none";
        ids["fixture_rows"] = "4";
        return ids;
    }

    private string PathValue(string name, string path, Dictionary<string, string> ids)
    {
        // Not U+0000 in a path: the server refuses it before the app (Kestrel answers 400; the test host throws).
        if (random.Next(3) == 0)
            return Uri.EscapeDataString(Pick(OddStrings).Replace("\0", "", StringComparison.Ordinal) is { Length: > 0 } s ? s[..Math.Min(s.Length, 3000)] : "x");
        if (name == "id")
        {
            if (path.StartsWith("/api/v1/contacts", StringComparison.Ordinal)) return ids["contacts"];
            if (path.StartsWith("/api/v1/documents", StringComparison.Ordinal)) return ids["documents"];
            if (path.StartsWith("/api/v1/dev/outbox", StringComparison.Ordinal)) return ids["outbox"];
            return random.Next(2) == 0 ? ids["draft"] : ids["procedures"];
        }
        return ids.TryGetValue(name, out var v) ? v : "x";
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private JsonNode? OddValue() => random.Next(6) switch
    {
        0 => JsonValue.Create(Pick(OddStrings)),
        1 => Pick(OddNumbers)?.DeepClone(),
        2 => null,
        3 => new JsonArray(JsonValue.Create(Pick(OddStrings)), null, new JsonObject()),
        4 => new JsonObject { ["nested"] = new JsonObject { ["deeper"] = JsonValue.Create(Pick(OddStrings)) } },
        _ => JsonValue.Create(random.Next(2) == 0),
    };

    /// <summary>A body from the schema, with some fields wrong, missing or extra.</summary>
    private JsonNode? FromSchema(JsonElement schema, JsonElement doc, int depth)
    {
        if (schema.TryGetProperty("$ref", out var r))
            schema = doc.GetProperty("components").GetProperty("schemas").GetProperty(r.GetString()!.Split('/')[^1]);
        if (depth > 4 || random.Next(8) == 0) return OddValue();
        var type = schema.TryGetProperty("type", out var t)
            ? t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString()).FirstOrDefault(x => x != "null") : t.GetString()
            : "object";
        switch (type)
        {
            case "object":
                var o = new JsonObject();
                if (schema.TryGetProperty("properties", out var props))
                    foreach (var p in props.EnumerateObject())
                        if (random.Next(5) != 0) o[p.Name] = FromSchema(p.Value, doc, depth + 1);
                if (random.Next(3) == 0) o["extra_" + random.Next(100)] = OddValue();
                return o;
            case "array":
                var a = new JsonArray();
                var n = random.Next(4) == 0 ? random.Next(50, 300) : random.Next(0, 3);
                for (var i = 0; i < n; i++) a.Add(schema.TryGetProperty("items", out var items) ? FromSchema(items, doc, depth + 1) : OddValue());
                return a;
            case "integer" or "number":
                return random.Next(2) == 0 ? Pick(OddNumbers)?.DeepClone() : JsonValue.Create(random.Next(-5, 40));
            case "boolean":
                return random.Next(3) == 0 ? JsonValue.Create("true") : JsonValue.Create(random.Next(2) == 0);
            default:
                return JsonValue.Create(Pick(OddStrings));
        }
    }

    private HttpContent? Body(JsonElement operation, JsonElement doc)
    {
        string? json = null;
        var contentType = "application/json";
        var kind = random.Next(10);
        if (operation.TryGetProperty("requestBody", out var rb) && rb.GetProperty("content").TryGetProperty("application/json", out var media) && kind < 6)
            json = FromSchema(media.GetProperty("schema"), doc, 0)?.ToJsonString() ?? "null";
        else if (kind == 6) return null;
        else if (kind == 7) json = Pick(["", "{", "null", "[]", "42", "\"x\"", "{\"a\":\"\\ud800\"}", "{\"reason\":\"\\u0000\"}"]);
        else if (kind == 8)
        {
            var form = new MultipartFormDataContent();
            var bytes = new byte[random.Next(0, 3000)];
            random.NextBytes(bytes);
            if (random.Next(2) == 0) Encoding.ASCII.GetBytes("%PDF-1.7\n").CopyTo(bytes, 0);
            form.Add(new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/pdf") } }, "file", Pick(["x.pdf", "a b.pdf", "../../x.pdf", "x.exe", new string('n', 300) + ".pdf"]));
            form.Add(new StringContent(Pick(OddStrings)), "title");
            form.Add(new StringContent(Pick(OddStrings)), Pick(["kind", "notary_email", "n\u00e9", "reason"]));
            return form;
        }
        else
        {
            json = Pick(OddStrings);
            contentType = Pick(["text/plain", "application/xml", "application/x-www-form-urlencoded", "application/json; charset=latin1"]);
        }
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json ?? ""));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private string Query(JsonElement operation)
    {
        if (!operation.TryGetProperty("parameters", out var ps)) return "";
        var parts = new List<string>();
        foreach (var p in ps.EnumerateArray().Where(p => p.Str("in") == "query"))
            if (random.Next(3) != 0)
            {
                var odd = Pick(OddStrings);
                parts.Add($"{p.Str("name")}={Uri.EscapeDataString(random.Next(2) == 0 ? odd[..Math.Min(odd.Length, 2000)] : Pick(OddNumbers)?.ToJsonString() ?? "")}");
            }
        if (random.Next(4) == 0) parts.Add("extra=%00");
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    [Fact]
    public async Task EveryOperationAnswersGeneratedInputWithoutAServerErrorAndOnlyAsDeclared()
    {
        var doc = await DocumentedErrors.OpenApiAsync(app);
        var agency = await app.DemoAgencyIdAsync();
        var earlier = (await ProcedureIdsAsync(agency)).ToHashSet(); // other tests' procedures (some tampered with on purpose)
        var before = await CountsAsync(agency);
        var ids = await RealIdsAsync();
        var failures = new List<string>();
        var creations = 0;

        foreach (var (method, path, operation) in DocumentedErrors.Operations(doc).OrderBy(o => o.Path, StringComparer.Ordinal).ThenBy(o => o.Method, StringComparer.Ordinal))
        {
            // Operations that change a procedure get fresh ones, so that each meets open procedures, not one an earlier
            // operation already cancelled or declined.
            if ((path.Contains("{token}", StringComparison.Ordinal) || (path.StartsWith("/api/v1/procedures/{id}/", StringComparison.Ordinal) && method != "GET"))
                && !await StillOpenAsync(ids["procedures"]))
                ids = await RealIdsAsync(ids);
            for (var i = 0; i < CasesPerOperation; i++)
            {
                var url = System.Text.RegularExpressions.Regex.Replace(path, @"\{(\w+)\}", m => PathValue(m.Groups[1].Value, path, ids)) + Query(operation);
                var request = new HttpRequestMessage(new HttpMethod(method), url);
                try
                {
                    if (method != "GET") request.Content = Body(operation, doc);
                }
                catch (FormatException)
                {
                    continue; // a body HttpClient itself refuses to build
                }
                var client = random.Next(6) == 0 ? app.Anonymous() : api.Http;
                if (method == "POST" && random.Next(5) == 0) request.Headers.Add("Idempotency-Key", random.Next(3).ToString(System.Globalization.CultureInfo.InvariantCulture));
                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(request);
                }
                catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                {
                    failures.Add($"{method} {url[..Math.Min(url.Length, 150)]}: the server threw {e.GetType().Name}: {e.Message}");
                    continue;
                }
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync();
                var sent = request.Content is ByteArrayContent bytes ? await bytes.ReadAsStringAsync() : request.Content?.GetType().Name ?? "no body";
                var what = $"{method} {path} (as {url[..Math.Min(url.Length, 150)]}, body {sent[..Math.Min(sent.Length, 200)]}) → {status}: {body[..Math.Min(body.Length, 300)]}";
                if (status >= 500) { failures.Add(what); continue; }
                if (!operation.GetProperty("responses").TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out _))
                    failures.Add($"undeclared status: {what}");
                if (status >= 400)
                {
                    string? code = null;
                    try { code = JsonDocument.Parse(body).RootElement.StrOrNull("code"); }
                    catch (JsonException) { }
                    if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || code is null)
                        failures.Add($"not a problem with a code: {what}");
                    else if (!DocumentedErrors.DeclaredCodes(operation, status).Contains(code))
                        failures.Add($"undeclared code `{code}`: {what}");
                }
                else if (method == "POST" && status == 201) creations++;
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} answer(s) broke the contract:\n" + string.Join("\n", failures.Distinct().Take(60)));
        await AssertNothingHalfWrittenAsync(agency, earlier, before, creations + int.Parse(ids["fixture_rows"], CultureInfo.InvariantCulture));
    }

    private Task<(int Procedures, int Contacts, int Documents)> CountsAsync(string agency) => app.DbAsync(async db => (
        await db.Procedures.IgnoreQueryFilters().CountAsync(p => p.AgencyId == agency),
        await db.Contacts.IgnoreQueryFilters().CountAsync(c => c.AgencyId == agency),
        await db.Documents.IgnoreQueryFilters().CountAsync(d => d.AgencyId == agency)));

    /// <summary>Whether the procedure is still ongoing with every signer pending (worth fuzzing again).</summary>
    private Task<bool> StillOpenAsync(string id) => app.DbAsync(db => db.Procedures.IgnoreQueryFilters()
        .AnyAsync(p => p.Id == id && p.Status == Paraphe.Domain.Procedures.ProcedureStatus.Ongoing
                       && p.Signers.All(s => s.Status == Paraphe.Domain.Procedures.SignerStatus.Pending)));

    private Task<List<string>> ProcedureIdsAsync(string agency) =>
        app.DbAsync(db => db.Procedures.IgnoreQueryFilters().Where(p => p.AgencyId == agency).Select(p => p.Id).ToListAsync());

    private async Task AssertNothingHalfWrittenAsync(string agency, HashSet<string> earlier, (int Procedures, int Contacts, int Documents) before,
        int creations)
    {
        var after = await CountsAsync(agency);
        var written = after.Procedures - before.Procedures + after.Contacts - before.Contacts;
        Assert.True(written <= creations, $"{written} procedures and contacts appeared for {creations} answers 201 (fixtures included)");
        var procedures = (await ProcedureIdsAsync(agency)).Where(id => !earlier.Contains(id)).ToList();
        var first = await app.DbAsync(db => db.AuditEvents.IgnoreQueryFilters().Where(e => e.AgencyId == agency && e.Seq == 1)
            .ToDictionaryAsync(e => e.ProcedureId, e => e.Type));
        foreach (var id in procedures)
        {
            Assert.True(first.TryGetValue(id, out var type) && type == "procedure.created", $"procedure {id} has no creation event");
            Assert.True((await api.AuditAsync(id)).GetProperty("valid").GetBoolean(), $"the audit chain of {id} is broken");
        }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ApiFuzzingOnSqlite(SqliteApp app) : ApiFuzzing(app);

[Collection(PostgresCollection.Name)]
public sealed class ApiFuzzingOnPostgres(PostgresApp app) : ApiFuzzing(app);
