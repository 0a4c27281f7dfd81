using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 4: every documented error appears in the OpenAPI document. Each operation declares, as
/// application/problem+json with the stable codes, the statuses it can answer; every code of the README's error table
/// is declared somewhere. (No database involved: SQLite only.)
/// </summary>
[Collection(SqliteCollection.Name)]
public sealed partial class DocumentedErrors(SqliteApp app)
{
    public static async Task<JsonElement> OpenApiAsync(ParapheApp app) =>
        await Expect.JsonAsync(await app.Anonymous().GetAsync("/api/v1/openapi.json"), HttpStatusCode.OK);

    public static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement doc)
    {
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject())
                if (op.Name is "get" or "post" or "put" or "patch" or "delete")
                    yield return (op.Name.ToUpperInvariant(), path.Name, op.Value);
    }

    /// <summary>The codes an operation declares for <paramref name="status"/> (empty when the status is not declared).</summary>
    public static string[] DeclaredCodes(JsonElement operation, int status)
    {
        if (!operation.GetProperty("responses").TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response)
            || !response.TryGetProperty("content", out var content) || !content.TryGetProperty("application/problem+json", out var problem))
            return [];
        return problem.GetProperty("schema").GetProperty("properties").GetProperty("code").GetProperty("enum")
            .EnumerateArray().Select(c => c.GetString()!).ToArray();
    }

    [Fact]
    public async Task EveryOperationDeclaresItsProblemResponses()
    {
        var doc = await OpenApiAsync(app);
        var operations = Operations(doc).ToList();
        Assert.True(operations.Count >= 30, $"only {operations.Count} operations in the document");
        foreach (var (method, path, op) in operations)
        {
            var what = $"{method} {path}";
            Assert.Contains("malformed_request", DeclaredCodes(op, 400));
            var anonymous = path.StartsWith("/callbacks/", StringComparison.Ordinal) || path.StartsWith("/api/v1/signing/", StringComparison.Ordinal)
                            || path == "/api/v1/verify";
            Assert.True(anonymous || DeclaredCodes(op, 401).Contains("unauthorized"), $"{what} does not declare 401 unauthorized");
            if (path.Contains('{', StringComparison.Ordinal))
                Assert.True(DeclaredCodes(op, 404).Contains("not_found"), $"{what} does not declare 404 not_found");
            if (op.TryGetProperty("requestBody", out var body) && body.GetProperty("content").TryGetProperty("application/json", out _))
                Assert.True(DeclaredCodes(op, 422).Length > 0, $"{what} takes JSON but declares no 422");
            foreach (var response in op.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
            {
                // No 5xx but an outage's 503 (a retry later succeeds: the database or the document store out of
                // reach): never a documented 500.
                if (response.Name[0] == '5')
                    Assert.True(response.Name == "503" && DeclaredCodes(op, 503).Contains("service_unavailable")
                        && DeclaredCodes(op, 503).All(c => c is "service_unavailable" or "storage_unavailable"),
                        $"{what} declares {response.Name}: only `503 service_unavailable` / `storage_unavailable` may be a 5xx");
                Assert.Contains("`", response.Value.GetProperty("description").GetString(), StringComparison.Ordinal);
            }
        }
        // A few specific ones, as the README documents them.
        var byKey = operations.ToDictionary(o => $"{o.Method} {o.Path}", o => o.Operation);
        Assert.Contains("otp_send_limit", DeclaredCodes(byKey["POST /api/v1/signing/{token}/otp"], 429));
        Assert.Contains("otp_attempts_exceeded", DeclaredCodes(byKey["POST /api/v1/signing/{token}/sign"], 429));
        Assert.Contains("link_gone", DeclaredCodes(byKey["POST /api/v1/signing/{token}/sign"], 410));
        Assert.Contains("concurrent_update", DeclaredCodes(byKey["POST /api/v1/procedures/{id}/mark-signed"], 409));
        Assert.Contains("reminder_cooldown", DeclaredCodes(byKey["POST /api/v1/procedures/{id}/signers/{signerId}/remind"], 429));
        Assert.Contains("document_too_large", DeclaredCodes(byKey["POST /api/v1/documents"], 413));
        Assert.Contains("storage_unavailable", DeclaredCodes(byKey["POST /api/v1/documents"], 503));
        Assert.Contains("storage_unavailable", DeclaredCodes(byKey["GET /api/v1/procedures/{id}/signed-document"], 503));
        Assert.Contains("invalid_signature", DeclaredCodes(byKey["POST /callbacks/sms/twilio"], 403));
    }

    [Fact]
    public async Task EveryErrorCodeOfTheReadmeIsDeclaredWithItsStatus()
    {
        var documented = ReadmeErrors();
        Assert.True(documented.Count >= 20, $"the README's error table lists only {documented.Count} codes");
        var doc = await OpenApiAsync(app);
        var operations = Operations(doc).ToList();
        foreach (var (code, status) in documented)
            Assert.True(operations.Any(o => DeclaredCodes(o.Operation, status).Contains(code)),
                $"`{status} {code}` is documented in the README but declared by no operation of the OpenAPI document");
    }

    /// <summary>The `### Errors` table of the README: code → status.</summary>
    private static List<(string Code, int Status)> ReadmeErrors()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "README.md"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var lines = File.ReadAllLines(Path.Combine(dir.FullName, "README.md"));
        var start = Array.IndexOf(lines, "### Errors");
        Assert.True(start >= 0, "the README has no `### Errors` section");
        var found = new List<(string, int)>();
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith('#')))
            if (Row().Match(line) is { Success: true } m)
                foreach (Match code in Code().Matches(m.Groups[2].Value.Split('(')[0]))
                    found.Add((code.Groups[1].Value, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        return found;
    }

    [GeneratedRegex(@"^\| (\d{3}) \| (.*) \|$")]
    private static partial Regex Row();

    [GeneratedRegex("`([a-z_]+)`")]
    private static partial Regex Code();
}
