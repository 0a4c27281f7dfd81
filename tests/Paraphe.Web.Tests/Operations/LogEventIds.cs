using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Paraphe.Web.Tests.Operations;

/// <summary>
/// Every `[LoggerMessage]` of the app has its own stable event id, inside its feature's range (docs/OPERATIONS.md
/// « Log event ids »): operators filter and alert on ids, not on message texts.
/// </summary>
public sealed class LogEventIds
{
    /// <summary>The ranges of docs/OPERATIONS.md, by namespace prefix (the longest prefix decides).</summary>
    private static readonly (string Namespace, int From, int To)[] Ranges =
    [
        ("Paraphe.Web.Platform", 1000, 1099),
        ("Paraphe.Web.Features.Agencies", 1100, 1199),
        ("Paraphe.Web.Platform.Storage", 1200, 1299),
        ("Paraphe.Web.Outbox", 2000, 2099),
        ("Paraphe.Web.Features.Notifications.Sms", 2100, 2199),
        ("Paraphe.Web.Features.Notifications.Email", 2200, 2299),
        ("Paraphe.Web.Features.Notifications", 2000, 2299),
        ("Paraphe.Web.Features.Procedures", 3000, 3099),
        ("Paraphe.Web.Features.Webhooks", 5000, 5099),
        ("Paraphe.Web.Features.Completion", 9000, 9099),
        ("Paraphe.Web.Features.Sealing", 9000, 9099),
    ];

    private static IEnumerable<(MethodInfo Method, LoggerMessageAttribute Attribute)> LogMethods() =>
        typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (m, m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Item2 is not null)
            .Select(x => (x.m, x.Item2!));

    private static string Name(MethodInfo m) => $"{m.DeclaringType!.FullName}.{m.Name}";

    [Fact]
    public void EveryLogMessageHasAnEventIdOfItsOwnInItsFeaturesRange()
    {
        var methods = LogMethods().ToList();
        Assert.True(methods.Count >= 30, $"only {methods.Count} [LoggerMessage] methods found");
        foreach (var (method, attribute) in methods)
        {
            Assert.True(attribute.EventId > 0, $"{Name(method)} has no EventId");
            var ns = method.DeclaringType!.Namespace ?? "";
            var range = Ranges.Where(r => ns == r.Namespace || ns.StartsWith(r.Namespace + ".", StringComparison.Ordinal))
                .OrderByDescending(r => r.Namespace.Length).FirstOrDefault();
            Assert.True(range.Namespace is not null, $"{Name(method)}: no event id range for namespace {ns} (add one to docs/OPERATIONS.md and here)");
            Assert.InRange(attribute.EventId, range.From, range.To);
        }
        var duplicates = methods.GroupBy(m => m.Attribute.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => Name(m.Method)))}").ToList();
        Assert.True(duplicates.Count == 0, "event ids used twice: " + string.Join("; ", duplicates));
    }
}
