using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data;
using Paraphe.Web.Features.Signing;

namespace Paraphe.Bench.Http;

/// <summary>
/// Issue 12 (`--scenario status-page`): the agent's status page of a procedure with 10 signers and 200 messages whose
/// signed document is a sealed 26 MB scan. The real app in-process (WebApplicationFactory, SQLite, its TestServer: no
/// socket), the agent logged in with a cookie; one client, requests back to back, so a request's time is the server's
/// time plus an in-memory hop. Beside it, in the same rounds: `/health/live` (the floor: the pipeline, no database) and
/// `GET /api/v1/procedures/{id}/audit`, the verification on demand, which reads the stored document again.
/// </summary>
public static partial class StatusPageBench
{
    public const string Flag = "status-page";
    private const string Key = "pk_bench_status_page_key_0123456789";
    private const int Signers = 10, Messages = 200, Rounds = 5, PerRound = 40;

    public static async Task<int> RunAsync()
    {
        Console.WriteLine($"## Status page: 10 signers, {Messages} messages, sealed 26 MB scan (issue 12)");
        Console.WriteLine();
        Console.WriteLine($"load average before: {Machine.LoadAverage()}");
        var directory = Directory.CreateTempSubdirectory("paraphe-bench-status-").FullName;
        try
        {
            await using var app = new App(directory);
            var api = app.CreateClient();
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            var id = await SeedAsync(app, api);
            var agent = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
            await LogInAsync(agent);
            var requests = new (string Name, HttpClient Client, string Path)[]
            {
                ("GET /health/live (floor: no database)", agent, "/health/live"),
                ("GET /procedures/{id} (status page)", agent, $"/procedures/{id}"),
                ("GET /api/v1/procedures/{id}/audit (verification on demand)", api, $"/api/v1/procedures/{id}/audit"),
            };
            var samples = requests.ToDictionary(r => r.Name, _ => new List<double>());
            var cpu = requests.ToDictionary(r => r.Name, _ => TimeSpan.Zero);
            var sizes = new Dictionary<string, int>();
            foreach (var (_, client, path) in requests) // warm-up
                for (var i = 0; i < 5; i++) await GetAsync(client, path);
            for (var round = 0; round < Rounds; round++)
                foreach (var (name, client, path) in requests) // interleaved
                {
                    var before = Process.GetCurrentProcess().TotalProcessorTime;
                    for (var i = 0; i < PerRound; i++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        sizes[name] = await GetAsync(client, path);
                        samples[name].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                    cpu[name] += Process.GetCurrentProcess().TotalProcessorTime - before;
                }
            Console.WriteLine();
            Console.WriteLine($"One client, {Rounds} rounds × {PerRound} requests each, interleaved; SQLite; the app in the bench's process " +
                              "(CPU ms/req: the whole process, client included). Aim: status page ≤ 20 ms.");
            Console.WriteLine();
            Console.WriteLine("| request | answer KB | p50 ms | p99 ms | CPU ms/req | aim |");
            Console.WriteLine("|---|---:|---:|---:|---:|---|");
            foreach (var (name, _, _) in requests)
            {
                var all = samples[name].Order().ToList();
                var (p50, p99) = (all[all.Count / 2], all[Math.Min(all.Count - 1, all.Count * 99 / 100)]);
                var aim = name.Contains("status page", StringComparison.Ordinal) ? (p50 <= 20 ? "p50 ≤ 20 ms: met" : "p50 ≤ 20 ms: not met") : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| `{name}` | {sizes[name] / 1024.0:F0} | {p50:F1} | {p99:F1} | {cpu[name].TotalMilliseconds / all.Count:F2} | {aim} |"));
            }
            Console.WriteLine();
            Console.WriteLine($"load average after: {Machine.LoadAverage()}");
            return 0;
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<int> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{(int)response.StatusCode} on {path}");
        return (await response.Content.ReadAsByteArrayAsync()).Length;
    }

    /// <summary>A remote procedure on a 26 MB scan, 10 signers who all sign (typed name), sealed; its messages copied up to 200.</summary>
    private static async Task<string> SeedAsync(App app, HttpClient api)
    {
        var started = Stopwatch.StartNew();
        using var form = new MultipartFormDataContent();
        Paraphe.Web.Features.Sealing.DejaVuFonts.EnsureRegistered();
        var pdf = new ByteArrayContent(Sealing.SealingInputs.ScannedContract(Sealing.SealingInputs.ScanPages));
        pdf.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(pdf, "file", "scan.pdf");
        form.Add(new StringContent("Compromis scanné — 3 allée des Tilleuls"), "title");
        form.Add(new StringContent("compromis"), "kind");
        var document = await IdAsync(await api.PostAsync("/api/v1/documents", form));
        var contacts = new List<string>();
        for (var i = 0; i < Signers; i++)
            contacts.Add(await IdAsync(await api.PostAsJsonAsync("/api/v1/contacts", new Dictionary<string, string>
            {
                ["first_name"] = "Client", ["last_name"] = $"Numéro {i}", ["email"] = $"client{i}@exemple.fr",
                ["mobile"] = $"06 12 34 {i / 10 % 10}{i % 10} 78",
            })));
        using var created = await api.PostAsJsonAsync("/api/v1/procedures", new
        {
            document_id = document, mode = "remote", launch = true,
            signers = contacts.Select(c => new { contact_id = c, role = "acquéreur" }).ToArray(),
        });
        var procedure = await JsonAsync(created);
        var id = procedure.GetProperty("id").GetString()!;
        var links = app.Services.GetRequiredService<SigningLinks>();
        var anonymous = app.CreateClient();
        foreach (var signer in procedure.GetProperty("signers").EnumerateArray())
            await JsonAsync(await anonymous.PostAsJsonAsync($"/api/v1/signing/{links.TokenFor(signer.GetProperty("id").GetString()!)}/sign",
                new { consent = true, typed_name = "Client" }));
        while (true)
        {
            var state = await JsonAsync(await api.GetAsync($"/api/v1/procedures/{id}"));
            if (state.GetProperty("sealed_at").ValueKind == JsonValueKind.String) break;
            if (started.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException("the procedure was not sealed in 5 minutes");
            await Task.Delay(250);
        }
        await Task.Delay(2000); // the completion messages' sending settles
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
            var have = await db.Notifications.IgnoreQueryFilters().CountAsync(n => n.ProcedureId == id);
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            async Task<List<string>> ColumnsAsync(string table)
            {
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
                var names = new List<string>();
                await using var reader = await pragma.ExecuteReaderAsync();
                while (await reader.ReadAsync()) names.Add(reader.GetString(0));
                return names;
            }
            var columns = await ColumnsAsync("notifications");
            var eventColumns = (await ColumnsAsync("notification_events")).Where(c => c != "Id").ToList();
            for (var copy = 1; have < Messages; copy++)
            {
                var take = Math.Min(Messages - have, await db.Notifications.IgnoreQueryFilters().CountAsync(n => n.ProcedureId == id && !n.Id.Contains("_c")));
                await using var insert = connection.CreateCommand();
                var select = string.Join(", ", columns.Select(c => c == "Id" ? $"\"Id\" || '_c{copy}'" : $"\"{c}\""));
                var eventSelect = string.Join(", ", eventColumns.Select(c => c == "NotificationId" ? $"\"NotificationId\" || '_c{copy}'" : $"\"{c}\""));
                insert.CommandText =
                    $"INSERT INTO notifications ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) SELECT {select} FROM notifications " +
                    $"WHERE \"ProcedureId\" = '{id}' AND instr(\"Id\", '_c') = 0 ORDER BY \"Id\" LIMIT {take};" +
                    $"INSERT INTO notification_events ({string.Join(", ", eventColumns.Select(c => $"\"{c}\""))}) SELECT {eventSelect} " +
                    $"FROM notification_events WHERE \"NotificationId\" IN (SELECT \"Id\" FROM notifications WHERE \"ProcedureId\" = '{id}' " +
                    $"AND instr(\"Id\", '_c') = 0 ORDER BY \"Id\" LIMIT {take});";
                await insert.ExecuteNonQueryAsync();
                have += take;
            }
            var events = await db.Set<Paraphe.Domain.Notifications.NotificationEvent>().CountAsync(
                e => db.Notifications.IgnoreQueryFilters().Any(n => n.ProcedureId == id && n.Id == EF.Property<string>(e, "NotificationId")));
            var size = await db.SealedDocuments.IgnoreQueryFilters().Where(d => d.ProcedureId == id).Select(d => d.Size).SingleAsync();
            Console.WriteLine($"seeded in {started.Elapsed.TotalSeconds:F0} s: {Signers} signers, {have} messages with {events} delivery events, " +
                              $"sealed document {size / 1024.0 / 1024:F1} MB");
        }
        return id;
    }

    private static async Task LogInAsync(HttpClient agent)
    {
        var page = await agent.GetStringAsync("/login");
        var token = TokenInput().Match(page).Groups[1].Value;
        using var response = await agent.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = Paraphe.Web.Features.Agencies.DemoAgency.Email, ["Password"] = Paraphe.Web.Features.Agencies.DemoAgency.Password,
            ["__RequestVerificationToken"] = token,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"login answered {(int)response.StatusCode}");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();

    private static async Task<string> IdAsync(HttpResponseMessage response) => (await JsonAsync(response)).GetProperty("id").GetString()!;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {body}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }
    }

    /// <summary>The web app (any type of its assembly names it: this project has a Program of its own).</summary>
    private sealed class App(string directory) : WebApplicationFactory<Paraphe.Web.Platform.ParapheOptions>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseContentRoot(directory);
            builder.UseSetting("Paraphe:DataDirectory", directory);
            builder.UseSetting("Paraphe:Demo:ApiKey", Key);
            builder.UseSetting("Paraphe:MaxUploadMegabytes", "60");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }
}
