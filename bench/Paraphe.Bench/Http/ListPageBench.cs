using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data;
using Paraphe.Domain.Notifications;
using Paraphe.Testing;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Platform;

namespace Paraphe.Bench.Http;

/// <summary>
/// Issue 12, second round (`--scenario list-page`): what one page of `GET /api/v1/procedures` (50 of an agency's 1,000
/// remote procedures, 3 signers each, their 6 invitations sent and their delivery events) costs the process, measured
/// without load: the real app in-process (WebApplicationFactory, its TestServer: no socket), one client, pages back to
/// back. Per page: CPU ms (the whole process: the in-memory client is a small part), KB allocated, SQL commands
/// (EF's CommandExecuted events) and the answer's size. Load-independent figures: the HTTP bench's `--scenario http` gives
/// the latency under 50 and 200 clients.
/// </summary>
public static class ListPageBench
{
    public const string Flag = "list-page";
    private const string Key = "pk_bench_list_page_key_0123456789";
    private const int Procedures = 1_000, SignersEach = 3, Rounds = 5, PerRound = 40;

    public static async Task<int> RunAsync(string[] args)
    {
        var databases = args.Contains("postgres") ? [DatabaseProvider.Postgres]
            : args.Contains("sqlite") ? [DatabaseProvider.Sqlite] : new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };
        Console.WriteLine($"## `GET /api/v1/procedures`: a page of 50 of {Procedures:N0} procedures, {SignersEach} signers each (issue 12)");
        Console.WriteLine();
        Console.WriteLine($"load average before: {Machine.LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine($"One client, {Rounds} rounds × {PerRound} pages after a warm-up; the app in the bench's process (CPU: the whole " +
                          "process, client included; PostgreSQL's own CPU not included). `commands`: SQL commands per page.");
        Console.WriteLine();
        Console.WriteLine("| database | request | answer KB | p50 ms | CPU ms/req | KB allocated/req | commands/req |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        var breakdowns = new List<(DatabaseProvider, List<(string, double, double, double, double?)>)>();
        foreach (var database in databases)
        {
            // PARAPHE_BENCH_LIST_DIR (SQLite only, for profiling): seed once into that directory, keep it, reuse it next time.
            var kept = database == DatabaseProvider.Sqlite ? Environment.GetEnvironmentVariable("PARAPHE_BENCH_LIST_DIR") : null;
            var directory = kept is { Length: > 0 } ? Directory.CreateDirectory(kept).FullName
                : Directory.CreateTempSubdirectory("paraphe-bench-list-").FullName;
            var seeded = kept is { Length: > 0 } && File.Exists(Path.Combine(directory, "paraphe.db"));
            PostgresCluster? cluster = null;
            try
            {
                string? connection = null;
                if (database == DatabaseProvider.Postgres)
                {
                    cluster = await PostgresCluster.StartAsync(fsync: true);
                    connection = await cluster.CreateUniqueDatabaseAsync("list");
                }
                await using var app = new App(directory, connection);
                var api = app.CreateClient();
                api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
                var one = seeded ? await NewestAsync(app) : await SeedAsync(app, api, database);
                // PARAPHE_BENCH_LIST_HOLD=<file> (profiling, round 6): once seeded, write the connection string (or the SQLite
                // directory) into that file and wait while it exists — to EXPLAIN statements on the seeded database with psql.
                if (Environment.GetEnvironmentVariable("PARAPHE_BENCH_LIST_HOLD") is { Length: > 0 } hold)
                {
                    File.WriteAllText(hold, connection ?? directory);
                    Console.Error.WriteLine($"[list-page] holding while {hold} exists: {connection}");
                    while (File.Exists(hold)) await Task.Delay(1000);
                }
                var requests = new (string Name, string Path)[]
                {
                    ("GET /health/live (floor)", "/health/live"),
                    ("GET /api/v1/procedures (page of 50)", "/api/v1/procedures?page=1&page_size=50"),
                    ("GET /api/v1/procedures/{id}", $"/api/v1/procedures/{one}"),
                };
                using var commands = new CommandListener();
                // PARAPHE_BENCH_LIST_PHASES=1 (profiling): only the page built in phases, no requests, no waiting.
                var phasesOnly = Environment.GetEnvironmentVariable("PARAPHE_BENCH_LIST_PHASES") == "1";
                if (!phasesOnly) await SettleAsync(commands);
                var samples = requests.ToDictionary(r => r.Name, _ => new List<double>());
                var cpu = requests.ToDictionary(r => r.Name, _ => TimeSpan.Zero);
                var allocated = requests.ToDictionary(r => r.Name, _ => 0L);
                var sent = requests.ToDictionary(r => r.Name, _ => 0L);
                var bodies = new Dictionary<string, byte[]>();
                foreach (var (name, path) in requests)
                    for (var i = 0; i < (phasesOnly ? 1 : 20); i++) bodies[name] = await GetAsync(api, path);
                for (var round = 0; round < (phasesOnly ? 0 : Rounds); round++)
                    foreach (var (name, path) in requests)
                    {
                        var before = Process.GetCurrentProcess().TotalProcessorTime;
                        var bytes = GC.GetTotalAllocatedBytes(precise: false);
                        var count = commands.Count;
                        for (var i = 0; i < PerRound; i++)
                        {
                            var start = Stopwatch.GetTimestamp();
                            bodies[name] = await GetAsync(api, path);
                            samples[name].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                        }
                        cpu[name] += Process.GetCurrentProcess().TotalProcessorTime - before;
                        allocated[name] += GC.GetTotalAllocatedBytes(precise: false) - bytes;
                        sent[name] += commands.Count - count;
                    }
                breakdowns.Add((database, await BreakdownAsync(app, cluster?.DataDirectory)));
                foreach (var (name, _) in phasesOnly ? [] : requests)
                {
                    var all = samples[name].Order().ToList();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {database} | `{name}` | {bodies[name].Length / 1024.0:F0} | {all[all.Count / 2]:F2} | " +
                        $"{cpu[name].TotalMilliseconds / all.Count:F2} | {allocated[name] / 1024.0 / all.Count:F0} | {(double)sent[name] / all.Count:F1} |"));
                }
            }
            finally
            {
                if (cluster is not null) await cluster.DisposeAsync();
                if (kept is not { Length: > 0 }) try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
            }
        }
        Console.WriteLine();
        Console.WriteLine("Where a page's CPU goes (the same page built in phases, 3 interleaved rounds of 100 each, one thread; CPU: the whole process; the driver's statements of `ListedMessages` are not in the commands column, which counts EF's):");
        Console.WriteLine();
        Console.WriteLine("| database | phase | CPU ms/page | PG CPU ms/page | KB allocated/page | commands/page |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var (database, rows) in breakdowns)
            foreach (var (phase, cpuMs, kb, commands, pg) in rows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {database} | {phase} | {cpuMs:F2} | {(pg is { } server ? server.ToString("F2", CultureInfo.InvariantCulture) : "—")} | {kb:F0} | {commands:F1} |"));
        Console.WriteLine();
        Console.WriteLine($"load average after: {Machine.LoadAverage()}");
        return 0;
    }

    /// <summary>The list's page built in its phases: the reads, the items (diagnosis included), the JSON. On PostgreSQL
    /// (<paramref name="pgData"/>: its cluster's data directory) the server's own CPU per page too (round 6).</summary>
    private static async Task<List<(string, double, double, double, double?)>> BreakdownAsync(App app, string? pgData)
    {
        var n = Environment.GetEnvironmentVariable("PARAPHE_BENCH_LIST_N");
        var N = n is { Length: > 0 } ? int.Parse(n, CultureInfo.InvariantCulture) : 100;
        var rows = new List<(string, double, double, double, double?)>();
        using var commands = new CommandListener();
        await using var scope = app.Services.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<DbContextOptions<ParapheDbContext>>();
        string agency;
        await using (var any = new ParapheDbContext(options).Lease(NoTenant.Instance, TimeProvider.System))
            agency = await any.Procedures.IgnoreQueryFilters().Select(p => p.AgencyId).FirstAsync();
        var tenant = new FixedTenant(agency);
        var json = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()
            .Value.SerializerOptions;
        ListProcedures.PageData? data = null;
        Paged<ProcedureResponse>? page = null;
        var now = DateTime.UtcNow;
        // Each phase runs N times per round, the phases interleaved over 3 rounds (a burst of load hurts them alike).
        var phases = new List<(string Phase, Func<Task> Run)>();
        void Phase(string phase, Func<Task> run) => phases.Add((phase, run));
        if (Environment.GetEnvironmentVariable("PARAPHE_BENCH_LIST_SQL") == "1")
        {
            commands.Print = true;
            await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
            await ListProcedures.LoadAsync(db, null, null, 1, 50, null, CancellationToken.None);
            commands.Print = false;
        }
        List<string> ids;
        await using (var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System))
        {
            ids = (await ListProcedures.LoadAsync(db, null, null, 1, 50, null, CancellationToken.None)).Procedures.Items.Select(p => p.Id).ToList();
        }
        Phase("reads (`ListProcedures.LoadAsync`: count, page, messages, events, sealing jobs; a fresh DbContext each)", async () =>
        {
            await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
            data = await ListProcedures.LoadAsync(db, null, null, 1, 50, null, CancellationToken.None);
        });
        Phase("  reads: count + the page's procedures (entities; signers and codes auto-included)", async () =>
        {
            await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
            await Paged<Paraphe.Domain.Procedures.Procedure>.OfAsync(ListProcedures.Query(db, null, null).AsNoTracking(), 1, 50, p => p, CancellationToken.None);
        });
        Phase("    (the same page without the signers' codes: auto-includes off, signers included: round 3; for the ratio)", async () =>
        {
            await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
            await Paged<Paraphe.Domain.Procedures.Procedure>.OfAsync(ListProcedures.Query(db, null, null).AsNoTracking().IgnoreAutoIncludes()
                .Include(p => p.Signers), 1, 50, p => p, CancellationToken.None);
        });
        Phase("  reads: count + the page's procedures and signers, round 4 (`ListedProcedures.PageAsync`: compiled, signers by the page's ids)", async () =>
        {
            await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
            await ListedProcedures.PageAsync(db, ListProcedures.Query(db, null, null), unfiltered: true, 1, 50, CancellationToken.None);
        });
        Phase("    (the same, not compiled: the path of a filtered list; for the ratio)", async () =>
        {
            await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
            await ListedProcedures.PageAsync(db, ListProcedures.Query(db, null, null), unfiltered: false, 1, 50, CancellationToken.None);
        });
        Phase("  reads: messages + events as rows (`ListedMessages.ForAsync`: 2 statements through the driver)", async () =>
        {
            await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
            await ListedMessages.ForAsync(db, ids, CancellationToken.None);
        });
        Phase("  reads: messages + events as round 2 read them (entities, events included; for the ratio)", async () =>
        {
            await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
            await db.Notifications.AsNoTracking().Include(x => x.Events).Where(x => ids.Contains(x.ProcedureId!)).ToListAsync();
        });
        Phase("    (the same rows as EF projections would read them, for the ratio)", async () =>
        {
            await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
            await ListPageRatios.ProjectedMessagesAsync(db, ids);
        });
        Phase("  reads: sealing jobs", async () =>
        {
            await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
            await db.SealingJobs.AsNoTracking().Where(j => ids.Contains(j.ProcedureId)).ToDictionaryAsync(j => j.ProcedureId);
        });
        // Round 4: a page's ~2,100 stored times and ~3,300 enum names (300 messages × 4 + 4, 900 events × 1 + 1), parsed as
        // the driver and Enum.Parse do, and as RowValues does.
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);
        Phase("  parsing a page's times and enum names as the driver and `Enum.Parse` do (round 3; for the ratio)", () =>
        {
            for (var i = 0; i < 2_100; i++) DateTime.Parse(stamp, System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < 1_100; i++) { Enum.Parse<DeliveryStatus>("Sent"); Enum.Parse<DeliveryFailure>("None"); Enum.Parse<Channel>("Email"); }
            return Task.CompletedTask;
        });
        Phase("  the same as `RowValues` parses them (round 4)", () =>
        {
            for (var i = 0; i < 2_100; i++) RowValues.TryParse(stamp, out _);
            for (var i = 0; i < 1_100; i++) { RowValues.Enum<DeliveryStatus>("Sent"); RowValues.Enum<DeliveryFailure>("None"); RowValues.Enum<Channel>("Email"); }
            return Task.CompletedTask;
        });
        // What a cache of built pages would still pay on every request (issue 12, fourth round; measured, not built): the
        // count and one statement stamping each procedure of the page (its Version, « À corriger », its messages' newest
        // change and newest event, its sealing job's Version), through the driver, plus writing the cached bytes.
        byte[]? cached = null;
        Phase("a cache's floor (not built): one validation statement through the driver (count, and each item's stamps: Version, messages' newest change and event, sealing job)", async () =>
        {
            await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
            await ListPageRatios.ValidationReadAsync(db, agency);
        });
        Phase("  and the cached page written (285 KB copied to a stream)", () =>
        {
            cached ??= JsonSerializer.SerializeToUtf8Bytes(ListProcedures.Map(data!, now), json);
            using var stream = new MemoryStream(cached.Length);
            stream.Write(cached);
            return Task.CompletedTask;
        });
        // Round 5 (list5): the page as `GET /procedures` now answers it, its items kept (every request after the first
        // while nothing changes), and with nothing kept (the first request, or after a write to every item).
        // Round 8 (list8): the page kept whole as well (`ListedPageCache`); « every item kept » now rebuilds the body around
        // the kept items each time (a fresh page cache), as a page with one changed item does.
        var kept = new ListedItemCache();
        var keptPages = new ListedPageCache();
        async Task ListedPageAsync(ListedItemCache cache, ListedPageCache pages)
        {
            await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
            var listed = await ListProcedures.PageAsync(db, cache, pages, new ListedStampReads(), json, null, null, 1, 50, null, CancellationToken.None);
            var http = new Microsoft.AspNetCore.Http.DefaultHttpContext { Response = { Body = new MemoryStream(300_000) } };
            await listed.ExecuteAsync(http);
        }
        Phase("the page kept whole (round 8: the stamps' statement, the kept body written)", () => ListedPageAsync(kept, keptPages));
        Phase("  the page, every item kept (round 7: one statement of ids, count and stamps, the kept JSON written)", async () =>
        {
            using var fresh = new ListedPageCache();
            await ListedPageAsync(kept, fresh);
        });
        Phase("  the page, nothing kept (round 7: the same + procedures and signers, sealing jobs, messages and events, items, JSON)", async () =>
        {
            using var empty = new ListedItemCache();
            using var fresh = new ListedPageCache();
            await ListedPageAsync(empty, fresh);
        });
        Phase("  the page's stamps statement alone (`ListedStamps.PageAsync`, unfiltered: ids, count and stamps of 50)", async () =>
        {
            await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
            await ListedStamps.PageAsync(db, ListProcedures.Query(db, null, null), true, 1, 50, CancellationToken.None);
        });
        foreach (var roundSeven in new[] { false, true })
            Phase(roundSeven ? "    (SQLite: round 7's page statement, two grouped joins and two automatic indexes; for the ratio)"
                : "  SQLite: the page statement alone, raw (round 8: one correlated subquery per item)", async () =>
            {
                if (pgData is not null) return;
                await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
                await ListPageRatios.SqlitePageStatementAsync(db, agency, roundSeven);
            });
        Phase("  the stamps alone by the page's ids (`ListedStamps.ForAsync`: 1 statement, 50 rows)", async () =>
        {
            await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
            await ListedStamps.ForAsync(db, ids, CancellationToken.None);
        });
        Phase("    (round 5's stamps statement: two subqueries, the times as text; for the ratio)", async () =>
        {
            await using var db = new ParapheDbContext(options).Lease(tenant, TimeProvider.System);
            await ListPageRatios.RoundFiveStampsAsync(db, agency, ids);
        });
        Phase("items (`ListProcedures.Map`: 50 representations, each signer's diagnosis)", () =>
        {
            page = ListProcedures.Map(data!, now);
            return Task.CompletedTask;
        });
        Phase("  of which the contact checks (`ContactChecks`: each signer's email and mobile, as the diagnosis runs them)", () =>
        {
            foreach (var p in data!.Procedures.Items)
                foreach (var signer in p.Signers)
                {
                    Paraphe.Domain.Contacts.ContactChecks.CheckEmail(signer.Email);
                    Paraphe.Domain.Contacts.ContactChecks.CheckMobile(signer.Mobile);
                }
            return Task.CompletedTask;
        });
        Phase("JSON (the app's `JsonOptions`, UTF-8 bytes)", () =>
        {
            JsonSerializer.SerializeToUtf8Bytes(page!, json);
            return Task.CompletedTask;
        });
        // PARAPHE_BENCH_LIST_ONLY=items,JSON (profiling): only the phases whose names start with one of these.
        if (Environment.GetEnvironmentVariable("PARAPHE_BENCH_LIST_ONLY") is { Length: > 0 } only)
            phases.RemoveAll(x => !only.Split(',').Any(o => x.Phase.StartsWith(o, StringComparison.Ordinal)));
        foreach (var (_, run) in phases) for (var i = 0; i < 5; i++) await run();
        var totals = phases.ToDictionary(x => x.Phase, _ => (Cpu: TimeSpan.Zero, Bytes: 0L, Commands: 0L, Server: TimeSpan.Zero));
        const int Rounds = 3;
        for (var round = 0; round < Rounds; round++)
            foreach (var (phase, run) in phases)
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var bytes = GC.GetTotalAllocatedBytes(precise: false);
                var count = commands.Count;
                var server = pgData is null ? TimeSpan.Zero : PostgresCpu.Of(pgData);
                for (var i = 0; i < N; i++) await run();
                var t = totals[phase];
                totals[phase] = (t.Cpu + Process.GetCurrentProcess().TotalProcessorTime - cpu, t.Bytes + GC.GetTotalAllocatedBytes(precise: false) - bytes,
                    t.Commands + commands.Count - count, t.Server + (pgData is null ? TimeSpan.Zero : PostgresCpu.Of(pgData) - server));
            }
        if (commands.Compiled > 0) Console.Error.WriteLine($"[list-page] {commands.Compiled} queries compiled while measuring (EF's query cache missed)");
        foreach (var (phase, _) in phases)
        {
            var (cpu, bytes, sent, server) = totals[phase];
            rows.Add((phase, cpu.TotalMilliseconds / N / Rounds, bytes / 1024.0 / N / Rounds, (double)sent / N / Rounds,
                pgData is null ? null : server.TotalMilliseconds / N / Rounds));
        }
        return rows;
    }

    /// <summary>Waits until the background workers are idle (the « À corriger » pass at start-up reads every procedure):
    /// fewer than 3 SQL commands in a second, 3 times in a row, or 3 minutes.</summary>
    private static async Task SettleAsync(CommandListener commands)
    {
        var waited = Stopwatch.StartNew();
        for (var quiet = 0; quiet < 3 && waited.Elapsed < TimeSpan.FromMinutes(3);)
        {
            var before = commands.Count;
            await Task.Delay(1000);
            quiet = commands.Count - before < 3 ? quiet + 1 : 0;
        }
    }

    private sealed class FixedTenant(string agency) : ITenant
    {
        public string? AgencyId => agency;
    }

    private static async Task<byte[]> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{(int)response.StatusCode} on {path}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>
    /// 1,000 remote procedures of 3 signers created and launched through the API (4 at a time), their 6,000 invitations
    /// sent by the app's dispatcher (capture provider: queued, sending, sent); returns one procedure's id.
    /// </summary>
    private static async Task<string> SeedAsync(App app, HttpClient api, DatabaseProvider database)
    {
        var started = Stopwatch.StartNew();
        using var form = new MultipartFormDataContent();
        var pdf = new ByteArrayContent(SamplePdfs.Valid(4));
        pdf.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(pdf, "file", "compromis.pdf");
        form.Add(new StringContent("Compromis de vente — 12 rue des Lilas"), "title");
        form.Add(new StringContent("compromis"), "kind");
        var document = await IdAsync(await api.PostAsync("/api/v1/documents", form));
        var contacts = new List<string>();
        for (var i = 0; i < 30; i++)
            contacts.Add(await IdAsync(await api.PostAsJsonAsync("/api/v1/contacts", new Dictionary<string, string>
            {
                ["first_name"] = "Client", ["last_name"] = $"Numéro {i}", ["email"] = $"client{i}@exemple.fr",
                ["mobile"] = $"06 12 34 {i / 10 % 10}{i % 10} 78",
            })));
        var next = 0;
        var first = "";
        await Parallel.ForAsync(0, 4, async (_, _) =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= Procedures)
            {
                var id = await IdAsync(await api.PostAsJsonAsync("/api/v1/procedures", new
                {
                    document_id = document, mode = "remote", launch = true,
                    signers = Enumerable.Range(0, SignersEach).Select(s => new { contact_id = contacts[(i + s * 7) % contacts.Count], role = "acquéreur" }).ToArray(),
                }));
                if (i == Procedures) first = id;
            }
        });
        while (true)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
            var waiting = await db.Notifications.IgnoreQueryFilters().CountAsync(n => n.Status == DeliveryStatus.Queued || n.Status == DeliveryStatus.Sending);
            if (waiting == 0) break;
            if (started.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException($"{waiting} invitations still not sent after 10 minutes");
            await Task.Delay(500);
        }
        Console.Error.WriteLine($"[list-page {database}] seeded {Procedures} procedures × {SignersEach} signers in {started.Elapsed.TotalSeconds:F0} s");
        return first;
    }

    private static async Task<string> NewestAsync(App app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        return await db.Procedures.IgnoreQueryFilters().OrderByDescending(p => p.CreatedAt).Select(p => p.Id).FirstAsync();
    }

    private static async Task<string> IdAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {body}");
            return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        }
    }

    /// <summary>Counts EF's executed commands (its DiagnosticSource events), every DbContext of the process.</summary>
    private sealed class CommandListener : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly IDisposable _all;
        private readonly List<IDisposable> _subscriptions = [];
        private long _count;

        public CommandListener() => _all = DiagnosticListener.AllListeners.Subscribe(this);
        public long Count => Interlocked.Read(ref _count);
        private long _compiled;
        /// <summary>Queries EF compiled (its query cache missed).</summary>
        public long Compiled => Interlocked.Read(ref _compiled);
        public bool Print { get; set; }

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == "Microsoft.EntityFrameworkCore") lock (_subscriptions) _subscriptions.Add(value.Subscribe(this));
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == "Microsoft.EntityFrameworkCore.Query.QueryCompilationStarting") Interlocked.Increment(ref _compiled);
            if (value.Key != "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuted") return;
            Interlocked.Increment(ref _count);
            if (Print && value.Value is Microsoft.EntityFrameworkCore.Diagnostics.CommandExecutedEventData e)
                Console.Error.WriteLine($"-- {e.Duration.TotalMilliseconds:F2} ms\n{e.Command.CommandText};");
        }

        public void OnCompleted() { }
        public void OnError(Exception error) { }

        public void Dispose()
        {
            _all.Dispose();
            lock (_subscriptions) foreach (var s in _subscriptions) s.Dispose();
        }
    }

    private sealed class App(string directory, string? postgres) : WebApplicationFactory<Paraphe.Web.Platform.ParapheOptions>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseContentRoot(directory);
            builder.UseSetting("Paraphe:DataDirectory", directory);
            builder.UseSetting("Paraphe:Demo:ApiKey", Key);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            if (postgres is not null)
            {
                builder.UseSetting("ConnectionStrings:Paraphe", postgres);
                builder.UseSetting("Paraphe:Database", "postgres");
            }
        }
    }
}
