using System.Reflection;
using System.Text.RegularExpressions;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Diagnosis;
using Paraphe.Web.Tests.Abuse;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Platform;

/// <summary>
/// Issue 11 (« the repository stands alone »): the product rules (docs/PRODUCT.md) and the API reference
/// (docs/API.md) are in the repository and follow the code — every operation of the OpenAPI document is in the API
/// reference's index, every diagnosis code and audit event type in the product rules — and nothing in the repository
/// points to documents outside it. (SQLite only: the OpenAPI document does not depend on the database.)
/// </summary>
[Collection(SqliteCollection.Name)]
public sealed partial class RepositoryDocs(SqliteApp app)
{
    [Fact]
    public async Task EveryOperationOfTheOpenApiDocumentIsInTheApiReference()
    {
        var reference = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "API.md"))
            .Select(l => IndexRow().Match(l)).Where(m => m.Success)
            .Select(m => $"{m.Groups[1].Value} {Normalise(m.Groups[2].Value)}").ToHashSet();
        Assert.True(reference.Count >= 50, $"docs/API.md's index lists only {reference.Count} routes");
        var operations = DocumentedErrors.Operations(await DocumentedErrors.OpenApiAsync(app)).ToList();
        Assert.True(operations.Count >= 30, $"only {operations.Count} operations in the OpenAPI document");
        var missing = operations.Select(o => $"{o.Method} {Normalise(o.Path)}").Where(r => !reference.Contains(r)).ToList();
        Assert.True(missing.Count == 0,
            "Operations of the OpenAPI document missing from the index of docs/API.md (add a row and say what they do):\n"
            + string.Join("\n", missing));
    }

    [Fact]
    public void EveryDiagnosisCodeIsInTheProductRules()
    {
        var rules = File.ReadAllText(Path.Combine(Repository.Root, "docs", "PRODUCT.md"));
        var codes = typeof(DiagnosisCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.True(codes.Count >= 20, $"only {codes.Count} diagnosis codes");
        var missing = codes.Where(c => !rules.Contains($"`{c}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "Diagnosis codes not in docs/PRODUCT.md's table: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryAuditEventTypeIsInTheProductRules()
    {
        var rules = File.ReadAllText(Path.Combine(Repository.Root, "docs", "PRODUCT.md"));
        var missing = Enum.GetValues<AuditKind>().Select(AuditCatalogue.TypeOf)
            .Where(t => !rules.Contains($"`{t}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "Audit event types not in docs/PRODUCT.md (« Audit trail »): " + string.Join(", ", missing));
    }

    [Fact]
    public void NothingInTheRepositoryPointsOutsideIt()
    {
        // Spelt in pieces so that this file does not find itself.
        string[] outside = ["../" + "shared", "/work" + "/", "SPEC" + ".md", "STACK" + ".md", "STYLE" + ".md", "shared/" + "API.md"];
        var roots = new[] { "README.md", "docs", "src", "tests", "scripts", "bench" }.Select(r => Path.Combine(Repository.Root, r));
        var found = new List<string>();
        foreach (var file in roots.SelectMany(Files))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
                foreach (var needle in outside.Where(n => lines[i].Contains(n, StringComparison.Ordinal)))
                    found.Add($"{Path.GetRelativePath(Repository.Root, file)}:{i + 1}: {needle}");
        }
        Assert.True(found.Count == 0, "Pointers to documents outside the repository (say it here, in docs/):\n" + string.Join("\n", found));
    }

    private static IEnumerable<string> Files(string root)
    {
        if (File.Exists(root)) return [root];
        if (!Directory.Exists(root)) return [];
        string[] skipped = ["bin", "obj", "node_modules", "TestResults", "lib"];
        string[] kinds = [".cs", ".md", ".sh", ".json", ".props", ".targets", ".csproj", ".cshtml", ".js", ".css", ".txt"];
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => kinds.Contains(Path.GetExtension(f), StringComparer.Ordinal))
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(skipped.Contains));
    }

    /// <summary>`/procedures/{signerId}` and `/procedures/{signer_id}` are the same route.</summary>
    private static string Normalise(string path) => Parameter().Replace(path, "{}");

    [GeneratedRegex(@"^\| `(GET|POST|PUT|PATCH|DELETE)` \| `([^`]+)` \|")]
    private static partial Regex IndexRow();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
