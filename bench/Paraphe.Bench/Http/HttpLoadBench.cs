using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Paraphe.Data;
using Paraphe.Testing;

namespace Paraphe.Bench.Http;

/// <summary>
/// Issue 11: HTTP load on the API and the signing page. Paraphe runs as its own process (the Release build of
/// src/Paraphe.Web, or <c>PARAPHE_BENCH_APP</c>: a published Paraphe.Web) on a real Kestrel port, in Production, on
/// SQLite or on PostgreSQL (a throwaway cluster, fsync on); the agency holds 1,000 launched remote procedures. N
/// clients (one HttpClient, N connections) each send one request after another for a fixed time; a request counts when
/// the whole body has arrived with 200, anything else is an error.
/// </summary>
public static class HttpLoadBench
{
    public const int Procedures = 1_000;
    /// <summary>Issue 12's list aim: each of the 1,000 procedures has 3 signers (6 invitations, their delivery events).</summary>
    public const int SignersEach = 3;
    private const string ApiKey = "pk_bench_http_load_key_0123456789";
    private const string Floor = "GET /health/live (floor: no database)";
    /// <summary>The list's page of 50 (issue 12's aim); <see cref="IsList"/> tells its rows.</summary>
    private const string ListPath = "/api/v1/procedures?page=1&page_size=50";

    private static bool IsList(string path) => path == ListPath || path == ListSpreadPath;

    /// <summary>Issue 12 (list11): the same load spread over the agency's 20 pages of 50 in turn, so that few concurrent
    /// requests ask for the same page and share its stamps' read (<c>ListedStampReads</c>): what each page costs when
    /// nobody else asks for it at the same moment.</summary>
    private const string ListSpread = "GET /api/v1/procedures (pages 1–20 of 50 in turn)";
    private const string ListSpreadPath = "/api/v1/procedures?page_size=50&page=";

    /// <summary>The list as most HTTP clients ask for it (browsers, Python's requests, Node's fetch): gzip accepted, and
    /// the answer decompressed by the client, on the same cores.</summary>
    private const string ListGzip = "GET /api/v1/procedures (page of 50), Accept-Encoding: gzip, decompressed";
    private static readonly StringBuilder Backends = new();
    private static readonly StringBuilder Pages = new();

    public static async Task<(string Markdown, bool Passed)> RunAsync(BenchOptions options)
    {
        // --clients defaults to 1,4 for the other benchmarks; this one is about 50 and 200.
        IReadOnlyList<int> clients = options.Clients.SequenceEqual([1, 4]) ? [50, 200] : options.Clients;
        var md = new StringBuilder();
        md.AppendLine($"{Procedures:N0} launched remote procedures ({SignersEach} signers each) in the agency; rounds: {options.Rounds} × {options.Seconds} s " +
                      $"per request and client count, after a {options.WarmupSeconds} s warm-up; p50/p99 of the requests that completed.");
        md.AppendLine("The load generator runs on the same cores as the app (and PostgreSQL). Floor: `GET /health/live` — Kestrel, the " +
                      "middleware and a constant answer, no database — at the same concurrency; `p99 ÷ floor` compares with it. " +
                      "`app CPU ms/req`: the app process's CPU time over the measured rounds ÷ requests (PostgreSQL's own CPU not included).");
        md.AppendLine();
        md.AppendLine("`PG CPU ms/req`: the PostgreSQL cluster's processes' CPU over the same rounds ÷ requests (issue 12, round 3; on the same " +
                      "2 cores). Row « raw Npgsql … »: the opened link's one read (`SELECT` the procedure's version and its agency's name by " +
                      "primary key) sent by the bench itself over Npgsql at the same concurrency, no HTTP and no EF (its CPU column is the bench's process). " +
                      "Row « HTTP + the one prepared read, nothing else »: a bench-only Kestrel host in the bench's process whose one route " +
                      "makes that read, auto-prepared, and answers a small JSON object (no middleware, no logging, no EF); its CPU column is " +
                      "the bench's process, host and load generator together. Rows « … (bench-only host, own process) » (round 6): the same " +
                      "host as a process of its own, its CPU column the host's alone; « HTTP + the API's JSON / the page's kept HTML »: the " +
                      "bytes the app answered, written as they are; « HTTP + the page's … KB, nothing else »: the app's page of 50 procedures, " +
                      "answered from memory by the same host, no database. Below the table on PostgreSQL: the statements PostgreSQL received per request.");
        md.AppendLine();
        md.AppendLine("| database | request | clients | req/s | p50 ms | p99 ms | p99 ÷ floor | app CPU ms/req | PG CPU ms/req | errors |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var passed = true;
        var traces = new StringBuilder();
        foreach (var database in options.Databases)
        {
            await using var app = await AppProcess.StartAsync(database, ApiKey);
            var target = await SeedAsync(app);
            var signing = Environment.GetEnvironmentVariable("PARAPHE_BENCH_HTTP_ONLY") is null or "signing";
            // Round 6 (sign6): the answers' bytes kept for the bench-only host's « HTTP + the bytes » rows, and that
            // host in a process of its own (on PostgreSQL with its « HTTP + the one prepared read » route).
            await using var kept = signing ? await KeptAnswersAsync(app, target) : null;
            await using var floorHost = kept is null ? null
                : await ReadFloorHost.StartProcessAsync(app.Database == DatabaseProvider.Postgres ? app.ConnectionString : null, kept.PageFile, kept.ApiFile);
            if (signing && app.ServerLogFile is { } log)
            {
                using var one = Client(app.BaseUrl, 1);
                using var bare = Client(floorHost!.BaseUrl, 1);
                traces.AppendLine(await StatementTrace.RunAsync(app, log, "GET /api/v1/signing/{token}", () => GetAsync(one, $"/api/v1/signing/{target.Token}", api: false)));
                traces.AppendLine(await StatementTrace.RunAsync(app, log, "GET /sign/{token}", () => GetAsync(one, $"/sign/{target.Token}", api: false)));
                traces.AppendLine(await StatementTrace.RunAsync(app, log, "bench-only host GET /read/{id} (own process)",
                    () => GetAsync(bare, $"/read/{Uri.EscapeDataString(target.ProcedureId)}", api: false)));
            }
            var requests = new (string Name, string Path, bool Api)[]
            {
                (Floor, "/health/live", false),
                ("GET /api/v1/procedures (page of 50)", ListPath, true),
                (ListGzip, ListPath, true),
                (ListSpread, ListSpreadPath, true),
                ("GET /api/v1/procedures/{id}", $"/api/v1/procedures/{target.ProcedureId}", true),
                (PageFirstVisit, $"/sign/{target.Token}", false),
                (PageReturnVisit, $"/sign/{target.Token}", false),
                ("GET /api/v1/signing/{token}", $"/api/v1/signing/{target.Token}", false),
            };
            // PARAPHE_BENCH_HTTP_ONLY=signing: the floor and the two signing routes only (issue 12, sign2's quick runs);
            // =list: the floor and the list's page only (issue 12, list5).
            var only = Environment.GetEnvironmentVariable("PARAPHE_BENCH_HTTP_ONLY");
            if (only is "signing")
                requests = requests.Where(r => r.Name == Floor || r.Path.Contains("sign", StringComparison.Ordinal)).ToArray();
            else if (only is "list")
                requests = requests.Where(r => r.Name == Floor || IsList(r.Path)).ToArray();
            foreach (var n in clients)
            {
                using var http = Client(app.BaseUrl, n);
                // Issue 12 (page7): the page's rows as signers: a client of its own, no shared cookie container, so
                // that each simulated signer holds (or not) its own antiforgery cookie.
                using var signers = Client(app.BaseUrl, n, cookies: false);
                using var gzip = Client(app.BaseUrl, n, gzip: true);
                var floorP99 = double.NaN;
                foreach (var (name, path, api) in requests)
                {
                    Func<Task> run = name switch
                    {
                        PageFirstVisit => () => GetAsync(signers, path, api),
                        PageReturnVisit => await OwnCookiesAsync(signers, path, n),
                        ListGzip => () => GetAsync(gzip, path, api),
                        ListSpread => SpreadOverPages(http, path, api),
                        _ => () => GetAsync(http, path, api),
                    };
                    await LoadRunner.RunRoundAsync(run, n, TimeSpan.FromSeconds(options.WarmupSeconds));
                    var isList = IsList(path);
                    var pagesBefore = isList ? await ListPagesScrape.ReadAsync(http) : default;
                    var rounds = new List<RoundResult>();
                    var cpu = app.CpuTime;
                    var serverCpu = app.ServerCpuTime;
                    await using var watch = BackendWatch.Start(app.ServerDataDirectory);
                    for (var r = 0; r < options.Rounds; r++)
                    {
                        var round = await LoadRunner.RunRoundAsync(run, n, TimeSpan.FromSeconds(options.Seconds));
                        rounds.Add(round);
                        Console.Error.WriteLine($"[http {database}] clients={n} round {r + 1}/{options.Rounds} {name,-40} " +
                                                $"{round.OpsPerSecond,8:F1} req/s{(round.Errors > 0 ? $"  ({round.Errors} errors: {round.FirstError})" : "")}");
                    }
                    if (isList) Pages.AppendLine($"- {database}, {n} clients: {await ListPagesScrape.ReadAsync(http) - pagesBefore}");
                    if (watch is not null) Backends.AppendLine($"- `{name}`, {n} clients: {await watch.StopAsync(rounds.Sum(r => r.Operations + r.Errors))}");
                    var cpuPerRequest = (app.CpuTime - cpu).TotalMilliseconds / Math.Max(1, rounds.Sum(r => r.Operations + r.Errors));
                    var serverCpuPerRequest = (app.ServerCpuTime - serverCpu).TotalMilliseconds / Math.Max(1, rounds.Sum(r => r.Operations + r.Errors));
                    var result = new ScenarioResult(new Scenario(name, name, _ => () => Task.CompletedTask), n, rounds);
                    var p99 = result.LatencyMs(99);
                    if (name == Floor) floorP99 = p99;
                    md.AppendLine($"| {database} | `{name}` | {n} | {result.MedianOpsPerSecond:F0} | {result.LatencyMs(50):F1} | " +
                                  $"{p99:F1} | {p99 / floorP99:F1}× | {cpuPerRequest:F2} | {ServerCpu(app, serverCpuPerRequest)} | {result.Errors}{(result.FirstError is { } e ? $" ({Cut(e)})" : "")} |");
                    passed &= result.Errors == 0;
                }
                if (floorHost is not null)
                {
                    using var bare = Client(floorHost.BaseUrl, n);
                    foreach (var (route, what) in new[] { ("api", "the API's JSON"), ("page", "the page's kept HTML") })
                        md.AppendLine(await BenchProcessRowAsync(app, $"HTTP + {what} ({(route == "page" ? kept!.PageBytes : kept!.ApiBytes):N0} bytes), nothing else (bench-only host, own process)",
                            "(host)", () => GetAsync(bare, "/bytes/" + route, api: false), n, options, floorP99, () => floorHost.CpuTime));
                }
                if (app.Database == DatabaseProvider.Postgres && floorHost is not null)
                {
                    md.AppendLine(await RawReadRowAsync(app, target.ProcedureId, n, options, floorP99, prepared: false));
                    md.AppendLine(await RawReadRowAsync(app, target.ProcedureId, n, options, floorP99, prepared: true));
                    md.AppendLine(await RawReadRowAsync(app, target.ProcedureId, n, options, floorP99, prepared: true, reset: false));
                    md.AppendLine(await HttpAndReadRowAsync(app, target.ProcedureId, n, options, floorP99));
                    using var bare = Client(floorHost.BaseUrl, n);
                    md.AppendLine(await BenchProcessRowAsync(app, "HTTP + the one prepared read, nothing else (bench-only host, own process)", "(host)",
                        () => GetAsync(bare, $"/read/{Uri.EscapeDataString(target.ProcedureId)}", api: false), n, options, floorP99, () => floorHost.CpuTime));
                    md.Append(await PoolSizeRows.RunAsync(app, target.ProcedureId, kept!.PageFile, kept.ApiFile, n,
                        (name, note, run, cpu) => BenchProcessRowAsync(app, name, note, run, n, options, floorP99, cpu),
                        (url, c) => Client(url, c), (c, path) => GetAsync(c, path, api: false)));
                }
                if (requests.FirstOrDefault(r => IsList(r.Path)) is { Path: { } list })
                    md.AppendLine(await HttpAndPageRowAsync(app, http, list, n, options, floorP99));
            }
            md.AppendLine($"| {database} | settings | | {app.Settings} | | | | | | |");
        }
        if (Backends.Length > 0)
            md.AppendLine().AppendLine("PostgreSQL's processes during each row's measured rounds (BackendWatch, round 8: the postmaster's children, " +
                                       "background processes included; runnable = state R, on a core or waiting for one):").AppendLine().Append(Backends);
        if (Pages.Length > 0)
            md.AppendLine().AppendLine("The list's pages during its rows' measured rounds (`paraphe_procedures_list_pages_total`, after round 8):")
                .AppendLine().Append(Pages);
        if (traces.Length > 0) md.AppendLine().Append(traces);
        return (md.ToString(), passed);
    }

    /// <summary>
    /// Issue 12 (page7): a real signer opens the link from an e-mail with no antiforgery cookie (the answer sets one) and
    /// may come back with it (a reload, back from the document, a second signer's turn on the same phone). Until round 6
    /// the bench's clients shared one HttpClient and so one cookie: every GET was a return visit of one browser.
    /// </summary>
    private const string PageFirstVisit = "GET /sign/{token} (page, first visit: no cookie)";
    private const string PageReturnVisit = "GET /sign/{token} (page, return visit: the client's own cookie)";

    /// <summary>
    /// <paramref name="clients"/> signers, each given its own antiforgery cookie by a first visit; a request takes a
    /// signer no other request holds, sends its cookie, and gives the signer back.
    /// </summary>
    private static async Task<Func<Task>> OwnCookiesAsync(HttpClient http, string path, int clients)
    {
        var cookies = new System.Collections.Concurrent.ConcurrentQueue<string>();
        for (var i = 0; i < clients; i++)
        {
            using var response = await http.GetAsync(path);
            var set = response.EnsureSuccessStatusCode().Headers.GetValues("Set-Cookie")
                .Single(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
            cookies.Enqueue(set.Split(';')[0]);
        }
        if (cookies.Distinct().Count() != clients) throw new InvalidOperationException("the signers' cookies should differ");
        return async () =>
        {
            if (!cookies.TryDequeue(out var cookie)) throw new InvalidOperationException("more requests in flight than signers");
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Add("Cookie", cookie);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                if (response.StatusCode != HttpStatusCode.OK)
                    throw new HttpRequestException($"{(int)response.StatusCode} on {path}");
                if (response.Headers.Contains("Set-Cookie")) throw new InvalidOperationException("a return visit was given a new cookie");
            }
            finally
            {
                cookies.Enqueue(cookie);
            }
        };
    }

    private static string ServerCpu(AppProcess app, double perRequest) => app.Database == DatabaseProvider.Postgres ? $"{perRequest:F2}" : "—";

    /// <summary>
    /// Issue 12, round 3: the floor of the opened link's one read on PostgreSQL — the same row read by primary key over
    /// raw Npgsql (a data source with Npgsql's default pool, as the app's), by <paramref name="clients"/> concurrent
    /// loops in the bench's process, no HTTP, no EF.
    /// </summary>
    private static async Task<string> RawReadRowAsync(AppProcess app, string procedureId, int clients, BenchOptions options, double floorP99,
        bool prepared, bool reset = true)
    {
        // prepared: Npgsql's automatic preparation (the statement parsed and planned once per connection, not per read).
        // reset: false = `No Reset On Close` (round 6, sign6): without it a pooled connection given back sends, before its
        // next command, the reset batch StatementTrace shows (RESET ALL, CLOSE ALL, UNLISTEN *, pg_advisory_unlock_all(), …).
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(app.ConnectionString)
            { MaxAutoPrepare = prepared ? 16 : 0, NoResetOnClose = !reset }.ConnectionString;
        await using var source = Npgsql.NpgsqlDataSource.Create(connectionString);
        async Task Read()
        {
            await using var command = source.CreateCommand(ReadFloorHost.Sql);
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = procedureId });
            await using var reader = await command.ExecuteReaderAsync();
            if (!await reader.ReadAsync()) throw new InvalidOperationException("the procedure's row was not found");
        }
        var name = $"raw Npgsql: the opened link's one read, no HTTP{(prepared ? ", auto-prepared" : "")}{(reset ? "" : ", No Reset On Close")}";
        return await BenchProcessRowAsync(app, name, "(bench)", Read, clients, options, floorP99);
    }

    /// <summary>
    /// Issue 12, round 5: « HTTP + the one prepared read, nothing else » — <see cref="ReadFloorHost"/>'s one route (Kestrel,
    /// the prepared read, a small JSON answer) in the bench's process, loaded by the same client as the app's rows.
    /// </summary>
    private static async Task<string> HttpAndReadRowAsync(AppProcess app, string procedureId, int clients, BenchOptions options, double floorP99)
    {
        await using var host = await ReadFloorHost.StartAsync(app.ConnectionString);
        using var http = Client(host.BaseUrl, clients);
        return await BenchProcessRowAsync(app, "HTTP + the one prepared read, nothing else (bench-only host)", "(bench: host + clients)",
            () => GetAsync(http, $"/read/{Uri.EscapeDataString(procedureId)}", api: false), clients, options, floorP99);
    }

    /// <summary>Each request the next of the agency's 20 pages (1,000 procedures, 50 a page).</summary>
    private static Func<Task> SpreadOverPages(HttpClient http, string path, bool api)
    {
        var next = new System.Runtime.CompilerServices.StrongBox<int>();
        return () => GetAsync(http, path + (Interlocked.Increment(ref next.Value) % 20 + 1).ToString(CultureInfo.InvariantCulture), api);
    }

    /// <summary>
    /// Issue 12, round 6 (list6): « HTTP + the page's bytes, nothing else » — the app's own page of 50 procedures, read
    /// once, answered from memory by <see cref="ReadFloorHost"/>'s <c>GET /bytes/list</c> (Kestrel and the ~285 KB body, no
    /// database), loaded like the app's rows: how far a page whose every item is kept is from what HTTP alone reaches.
    /// </summary>
    private static async Task<string> HttpAndPageRowAsync(AppProcess app, HttpClient appClient, string listPath, int clients,
        BenchOptions options, double floorP99)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, listPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        using var response = await appClient.SendAsync(request);
        var page = await response.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync();
        await using var host = await ReadFloorHost.StartAsync(connectionString: null, new Dictionary<string, byte[]> { ["list"] = page });
        using var http = Client(host.BaseUrl, clients);
        return await BenchProcessRowAsync(app, $"HTTP + the page's {page.Length / 1024} KB, nothing else (bench-only host)", "(bench: host + clients)",
            () => GetAsync(http, "/bytes/list", api: false), clients, options, floorP99);
    }

    /// <summary>A row whose work runs in the bench's process: its CPU column is the bench's, PostgreSQL's measured as for the app.</summary>
    private static async Task<string> BenchProcessRowAsync(AppProcess app, string name, string cpuNote, Func<Task> operation, int clients,
        BenchOptions options, double floorP99, Func<TimeSpan>? cpuOf = null)
    {
        cpuOf ??= () => Process.GetCurrentProcess().TotalProcessorTime;
        await LoadRunner.RunRoundAsync(operation, clients, TimeSpan.FromSeconds(options.WarmupSeconds));
        var rounds = new List<RoundResult>();
        var cpu = cpuOf();
        var serverCpu = app.ServerCpuTime;
        await using var watch = BackendWatch.Start(app.ServerDataDirectory);
        for (var r = 0; r < options.Rounds; r++)
        {
            var round = await LoadRunner.RunRoundAsync(operation, clients, TimeSpan.FromSeconds(options.Seconds));
            rounds.Add(round);
            Console.Error.WriteLine($"[http {app.Database}] clients={clients} round {r + 1}/{options.Rounds} {name} {round.OpsPerSecond,8:F1} per s" +
                                    (round.Errors > 0 ? $"  ({round.Errors} errors: {round.FirstError})" : ""));
        }
        if (watch is not null) Backends.AppendLine($"- {name}, {clients} clients: {await watch.StopAsync(rounds.Sum(r => r.Operations + r.Errors))}");
        var operations = Math.Max(1, rounds.Sum(r => r.Operations + r.Errors));
        var benchCpu = (cpuOf() - cpu).TotalMilliseconds / operations;
        var pgCpu = (app.ServerCpuTime - serverCpu).TotalMilliseconds / operations;
        var result = new ScenarioResult(new Scenario(name, name, _ => () => Task.CompletedTask), clients, rounds);
        var p99 = result.LatencyMs(99);
        return $"| {app.Database} | {name} | {clients} | {result.MedianOpsPerSecond:F0} | {result.LatencyMs(50):F1} | {p99:F1} | " +
               $"{p99 / floorP99:F1}× | {benchCpu:F2} {cpuNote} | {ServerCpu(app, pgCpu)} | {result.Errors} |";
    }

    private static string Cut(string s) => (s.Length > 80 ? s[..80] + "…" : s).Replace('|', '/');

    private static HttpClient Client(string baseUrl, int connections, bool cookies = true, bool gzip = false)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = cookies,
            AutomaticDecompression = gzip ? DecompressionMethods.GZip : DecompressionMethods.None };
        return new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    private static async Task GetAsync(HttpClient http, string path, bool api)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (api) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new HttpRequestException($"{(int)response.StatusCode} on {path.Split('?')[0]}");
    }

    private sealed record Target(string ProcedureId, string Token);

    /// <summary>The signing page's and the API's answers as the app sent them (the page once kept), in two temp files.</summary>
    private sealed class KeptAnswers(string directory, string pageFile, string apiFile, int pageBytes, int apiBytes) : IAsyncDisposable
    {
        public string PageFile => pageFile;
        public string ApiFile => apiFile;
        public int PageBytes => pageBytes;
        public int ApiBytes => apiBytes;

        public ValueTask DisposeAsync()
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
            return ValueTask.CompletedTask;
        }
    }

    private static async Task<KeptAnswers> KeptAnswersAsync(AppProcess app, Target target)
    {
        using var http = Client(app.BaseUrl, 1);
        byte[] page = [];
        for (var i = 0; i < 3; i++) page = await http.GetByteArrayAsync($"/sign/{target.Token}"); // the third: from the kept page
        var api = await http.GetByteArrayAsync($"/api/v1/signing/{target.Token}");
        var directory = Directory.CreateTempSubdirectory("paraphe-http-kept-").FullName;
        var (pageFile, apiFile) = (Path.Combine(directory, "page.html"), Path.Combine(directory, "api.json"));
        await File.WriteAllBytesAsync(pageFile, page);
        await File.WriteAllBytesAsync(apiFile, api);
        return new KeptAnswers(directory, pageFile, apiFile, page.Length, api.Length);
    }

    /// <summary>
    /// One procedure whose signer's link the signing requests use, then <see cref="Procedures"/> more (newest first
    /// in the list), all created and launched through the API; waits until the dispatcher has sent every invitation
    /// (to the capture outbox) so that the measurement does not share the machine with it.
    /// </summary>
    private static async Task<Target> SeedAsync(AppProcess app)
    {
        var started = Stopwatch.StartNew();
        using var http = Client(app.BaseUrl, 8);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        using var form = new MultipartFormDataContent();
        var pdf = new ByteArrayContent(SamplePdfs.Valid(4));
        pdf.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(pdf, "file", "compromis.pdf");
        form.Add(new StringContent("Compromis de vente — 12 rue des Lilas"), "title");
        form.Add(new StringContent("compromis"), "kind");
        var document = await ReadIdAsync(await http.PostAsync("/api/v1/documents", form));
        var contacts = new List<string>();
        for (var i = 0; i < 20; i++)
            contacts.Add(await ReadIdAsync(await http.PostAsJsonAsync("/api/v1/contacts", new Dictionary<string, string>
            {
                ["first_name"] = "Client", ["last_name"] = $"Numéro {i}", ["email"] = $"client{i}@exemple.fr",
                ["mobile"] = $"06 12 34 {i / 10 % 10}{i % 10} 78",
            })));

        Task<string> LaunchAsync(params string[] signers) => ReadIdAsync(http.PostAsJsonAsync("/api/v1/procedures", new
        {
            document_id = document, mode = "remote", launch = true,
            signers = signers.Select(contact => new { contact_id = contact, role = "acquéreur" }).ToArray(),
        }));

        // The signing requests use the link of a signer who is in no other procedure.
        var signer = await ReadIdAsync(await http.PostAsJsonAsync("/api/v1/contacts", new Dictionary<string, string>
        {
            ["first_name"] = "Hélène", ["last_name"] = "Cible", ["email"] = "cible@exemple.fr", ["mobile"] = "06 99 88 77 66",
        }));
        var target = await LaunchAsync(signer);
        var next = 0;
        await Parallel.ForAsync(0, 4, async (_, _) =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= Procedures)
                await LaunchAsync([.. Enumerable.Range(0, SignersEach).Select(s => contacts[(i + 7 * s) % contacts.Count])]);
        });
        var expected = 2 + 2 * SignersEach * Procedures;
        var deadline = Stopwatch.StartNew();
        long captured;
        while ((captured = await app.CountCapturedAsync()) < expected)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(10))
                throw new TimeoutException($"the dispatcher sent {captured} of {expected} invitations in 10 minutes");
            await Task.Delay(500);
        }

        using var outbox = await http.GetAsync("/api/v1/dev/outbox?to=cible@exemple.fr");
        var token = (await outbox.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()
            .SelectMany(m => m.GetProperty("links").EnumerateArray()).Select(l => l.GetString()!)
            .Where(l => l.Contains("/sign/", StringComparison.Ordinal)).Select(l => l[(l.LastIndexOf('/') + 1)..])
            .FirstOrDefault() ?? throw new InvalidOperationException("no signing link in the dev outbox for cible@exemple.fr");
        await app.AnalyzeAsync();
        var (waited, busy) = await Machine.WaitUntilQuietAsync(0.15, TimeSpan.FromSeconds(90));
        Console.Error.WriteLine($"[http {app.Database}] the machine was quiet {waited.TotalSeconds:F0} s after the seeding ({busy:P0} busy over the last second)");
        Console.Error.WriteLine($"[http {app.Database}] seeded {Procedures + 1} procedures and sent {expected} invitations in {started.Elapsed.TotalSeconds:F0} s");
        return new Target(target, token);
    }

    private static async Task<string> ReadIdAsync(Task<HttpResponseMessage> pending) => await ReadIdAsync(await pending);

    private static async Task<string> ReadIdAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {body}");
            return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        }
    }
}
