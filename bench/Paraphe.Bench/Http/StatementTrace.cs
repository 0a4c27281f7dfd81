using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Paraphe.Bench.Http;

/// <summary>
/// Issue 12, round 6 (sign6): what a request sends to PostgreSQL. The throwaway cluster logs every statement
/// (<c>log_statement = all</c>, set with <c>ALTER SYSTEM</c> and a reload, then reset) while one client sends
/// <paramref name="count"/> requests one after another; each logged statement (simple or extended protocol, whichever
/// connection sent it) is counted by its text, divided by the requests. The app's background work (the dispatcher's
/// poll, the rate-limit flush, the sweeps) is logged too: a statement that is not the request's shows as a fraction well
/// below 1 a request.
/// </summary>
public static partial class StatementTrace
{
    public static async Task<string> RunAsync(AppProcess app, string logFile, string name, Func<Task> request, int count = 200)
    {
        await SetAsync(app, "ALTER SYSTEM SET log_statement = 'all'");
        await Task.Delay(300); // every backend has read the reload
        long start = new FileInfo(logFile).Length;
        for (var i = 0; i < count; i++) await request();
        await Task.Delay(300);
        await SetAsync(app, "ALTER SYSTEM RESET log_statement");
        string text;
        await using (var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            stream.Seek(start, SeekOrigin.Begin);
            text = await new StreamReader(stream).ReadToEndAsync();
        }
        var counts = new Dictionary<string, int>();
        foreach (Match m in Statement().Matches(text))
        {
            var sql = m.Groups["sql"].Value.Trim();
            if (sql.StartsWith("ALTER SYSTEM", StringComparison.Ordinal) || sql.StartsWith("SELECT pg_reload_conf", StringComparison.Ordinal)) continue;
            var key = (m.Groups["kind"].Value.StartsWith("execute", StringComparison.Ordinal) ? "prepared: " : "") +
                      Regex.Replace(sql, @"\s+", " ");
            if (key.Length > 110) key = key[..110] + "…";
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        var md = new StringBuilder();
        md.AppendLine($"Statements PostgreSQL received while one client sent {count} × `{name}` one after another ({app.Database}; " +
                      $"per request, all connections, background work included): **{counts.Values.Sum() / (double)count:F2} a request**");
        md.AppendLine();
        md.AppendLine("| per request | statement |");
        md.AppendLine("|---:|---|");
        foreach (var (sql, n) in counts.OrderByDescending(c => c.Value))
            md.AppendLine($"| {n / (double)count:F2} | `{sql.Replace('|', '/').Replace('`', '\'')}` |");
        return md.ToString();
    }

    private static async Task SetAsync(AppProcess app, string sql)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand(sql, connection)) await command.ExecuteNonQueryAsync();
        await using (var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection)) await reload.ExecuteScalarAsync();
    }

    // « LOG:  statement: … » (simple protocol) and « LOG:  execute <name>: … » (extended protocol), up to the next log line.
    [GeneratedRegex(@"LOG:\s+(?<kind>statement|execute [^:]*):\s(?<sql>.*?)(?=\n\S|\z)", RegexOptions.Singleline)]
    private static partial Regex Statement();
}
