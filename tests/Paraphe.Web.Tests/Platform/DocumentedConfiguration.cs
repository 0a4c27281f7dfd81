using System.Reflection;
using System.Text.RegularExpressions;

namespace Paraphe.Web.Tests.Platform;

/// <summary>
/// Issue 11 (« every setting »): each configuration key Paraphe reads is in a table of the README with its default.
/// The keys are found in the source: every options class bound with <c>AddOptions&lt;T&gt;().BindConfiguration(section)</c>
/// (its settable properties, nested classes as sub-sections) and every <c>"Paraphe:…"</c> string literal (a key read
/// directly, or a section: then some documented key must be under it). The README writes keys as in its configuration
/// table: <c>`Paraphe:Login:SessionLifetime` / `:IdleTimeout`</c> (a key starting with « : » shares the previous one's
/// section). No database, no app: the source and the README only.
/// </summary>
public sealed partial class DocumentedConfiguration
{
    [Fact]
    public void EveryBoundOptionIsInTheReadmeWithADefault()
    {
        var documented = ReadmeKeys();
        var missing = new List<string>();
        var bound = BoundKeys().ToList();
        Assert.True(bound.Count >= 60, $"only {bound.Count} bound keys found in the source: has the binding changed?");
        foreach (var (key, where) in bound)
        {
            if (NotKeys.Contains(key)) continue;
            if (!documented.TryGetValue(key, out var hasDefault)) missing.Add($"{key} ({where}) is not in the README");
            else if (!hasDefault) missing.Add($"{key} ({where}) has no default in the README (write « — » or « none » when there is none)");
        }
        Assert.True(missing.Count == 0, "Undocumented configuration keys:\n" + string.Join("\n", missing.Distinct()));
    }

    /// <summary>Properties of a class bound to several sections that mean nothing in one of them (say why).</summary>
    private static readonly HashSet<string> NotKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "Paraphe:Sms:From", // ChannelOptions serves both channels; From is the email's (the SMS sender is Twilio's or Brevo's)
    };

    [Fact]
    public void EveryKeyNamedInTheCodeIsDocumentedOrIsASectionOfDocumentedKeys()
    {
        var documented = ReadmeKeys();
        var missing = new List<string>();
        foreach (var (key, file) in LiteralKeys())
            if (!documented.ContainsKey(key) && !documented.Keys.Any(k => k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)))
                missing.Add($"{key} ({file})");
        Assert.True(missing.Count == 0, "Configuration keys named in the code but not in the README:\n" + string.Join("\n", missing.Distinct()));
    }

    [Fact]
    public void TheReadmeTableParserReadsSharedSections()
    {
        // The notation the README uses, as the two tests above read it.
        var keys = Parse(["| `Paraphe:Login:SessionLifetime` / `:IdleTimeout` | `12:00:00` / `02:00:00` | sessions |",
                          "| `Paraphe:Email:Provider` / `Paraphe:Sms:Provider` | `capture` | providers |",
                          "| `Paraphe:Sms:Fallback` |  | nothing |"]);
        Assert.True(keys["Paraphe:Login:IdleTimeout"]);
        Assert.True(keys["Paraphe:Sms:Provider"]);
        Assert.False(keys["Paraphe:Sms:Fallback"]);
    }

    /// <summary>Key → whether its row gives a default (a non-empty second cell), from every table row of the README.</summary>
    private static Dictionary<string, bool> ReadmeKeys() => Parse(File.ReadAllLines(Path.Combine(Repository.Root, "README.md")));

    private static Dictionary<string, bool> Parse(IEnumerable<string> lines)
    {
        var keys = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines)
        {
            var cells = line.Split('|');
            if (cells.Length < 4 || !line.StartsWith('|')) continue;
            var section = "";
            var hasDefault = cells[2].Trim().Length > 0;
            foreach (Match m in Backticked().Matches(cells[1]))
            {
                var key = m.Groups[1].Value;
                if (key.StartsWith(':') && section.Length > 0) key = section + key;
                else if (!key.StartsWith("Paraphe:", StringComparison.Ordinal) && !key.StartsWith("ConnectionStrings:", StringComparison.Ordinal)) continue;
                section = key[..key.LastIndexOf(':')];
                keys[key] = hasDefault;
            }
        }
        return keys;
    }

    /// <summary>Every key of every options class bound to a configuration section, with the file that binds it.</summary>
    private static IEnumerable<(string Key, string Where)> BoundKeys()
    {
        var types = typeof(Program).Assembly.GetTypes();
        foreach (var file in SourceFiles())
        {
            var text = File.ReadAllText(file);
            foreach (Match m in Binding().Matches(text))
            {
                var where = Path.GetRelativePath(Repository.Root, file);
                var type = Single(types, m.Groups["type"].Value, where);
                var section = m.Groups["section"].Value.Trim();
                if (section.StartsWith('"')) section = section.Trim('"');
                else
                {
                    var owner = Single(types, section.Split('.')[^2], where);
                    section = (string)owner.GetField(section.Split('.')[^1], BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!
                        .GetRawConstantValue()!;
                }
                foreach (var key in Keys(type, section, depth: 0)) yield return (key, where);
            }
        }
    }

    private static Type Single(Type[] types, string name, string where)
    {
        var found = types.Where(t => t.Name == name).ToList();
        Assert.True(found.Count == 1, $"{where}: {found.Count} types named {name} in Paraphe.Web");
        return found[0];
    }

    private static IEnumerable<string> Keys(Type type, string section, int depth)
    {
        Assert.True(depth < 5, $"{section}: options nested too deep");
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0) continue;
            var key = $"{section}:{property.Name}";
            if (IsLeaf(property.PropertyType)) yield return key;
            else foreach (var nested in Keys(property.PropertyType, key, depth + 1)) yield return nested;
        }
    }

    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsArray) return IsLeaf(type.GetElementType()!);
        if (type.IsGenericType && type.GetGenericArguments() is [var item] && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
            return IsLeaf(item);
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
               || type == typeof(Uri) || type == typeof(DateTime) || type == typeof(DateTimeOffset);
    }

    /// <summary>Every "Paraphe:…" and "ConnectionStrings:…" literal of the source, with its file.</summary>
    private static IEnumerable<(string Key, string File)> LiteralKeys()
    {
        foreach (var file in SourceFiles())
            foreach (Match m in Literal().Matches(File.ReadAllText(file)))
                yield return (m.Groups[1].Value.TrimEnd(':'), Path.GetRelativePath(Repository.Root, file));
    }

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}Paraphe.Migrations.", StringComparison.Ordinal));

    [GeneratedRegex(@"AddOptions<(?<type>\w+)>\((?:""[^""]*"")?\)\s*\.BindConfiguration\((?<section>[^),]+)")]
    private static partial Regex Binding();

    [GeneratedRegex(@"""((?:Paraphe|ConnectionStrings):[A-Za-z0-9:]+)""")]
    private static partial Regex Literal();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();
}

/// <summary>The repository's root: the directory above the test binaries that holds Paraphe.slnx.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Paraphe.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Paraphe.slnx not found above " + AppContext.BaseDirectory);
    }
}
