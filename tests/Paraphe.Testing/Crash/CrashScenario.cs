using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Paraphe.Testing.Simulators;

namespace Paraphe.Testing.Crash;

/// <summary>What <see cref="CrashScenario"/> does: how many messages, seals and kills.</summary>
/// <param name="Procedures">remote procedures launched, each inviting every signer by email and SMS.</param>
/// <param name="SignersPerProcedure">signers of each remote procedure (messages = procedures × signers × 2).</param>
/// <param name="SealedProcedures">face-to-face procedures completed (hence sealed), spread over the kills.</param>
/// <param name="Kills">SIGKILLs, each at an even step of the dispatch, each followed by a restart.</param>
/// <param name="SmtpDelay">what the SMTP server takes per message (a real MTA is not instantaneous).</param>
public sealed record CrashOptions(int Procedures = 100, int SignersPerProcedure = 5, int SealedProcedures = 10, int Kills = 2,
    TimeSpan? SmtpDelay = null)
{
    public int Messages => Procedures * SignersPerProcedure * 2;
}

/// <summary>One kill: what had reached the providers, what was claimed and what was still being sealed.</summary>
public sealed record KillRecord(int Number, int ReceivedBefore, int ClaimedAtKill, int SealingAtKill, HashSet<string> InFlight,
    HashSet<string> ReceivedIds);

/// <summary>The counts after the last restart, once everything settled.</summary>
public sealed record CrashReport(
    CrashOptions Options, IReadOnlyList<KillRecord> Kills, int Notifications, int Final, int Lost, int Duplicates,
    IReadOnlyList<string> DuplicatesOutsideFlight, int StuckNotifications, int StuckSealingJobs, int Procedures, int InvalidChains,
    int Seals, int InvalidSeals, TimeSpan Elapsed, TimeSpan Settle, IReadOnlyList<string> Problems)
{
    public string Summary() => string.Join('\n',
    [
        $"messages queued: {Notifications} ({Options.Messages} invitations + completion/alert emails), kills: {Kills.Count}",
        .. Kills.Select(k => $"  kill {k.Number}: {k.ReceivedBefore} messages had reached the providers, {k.ClaimedAtKill} claimed (`sending`), " +
                             $"{k.SealingAtKill} seals being made"),
        $"final: {Final}/{Notifications}; lost: {Lost}; duplicates: {Duplicates} (outside a send in flight: {DuplicatesOutsideFlight.Count})",
        $"stuck: {StuckNotifications} messages, {StuckSealingJobs} sealing jobs; audit chains invalid: {InvalidChains}/{Procedures}; " +
        $"seals invalid: {InvalidSeals}/{Seals}",
        $"elapsed: {Elapsed.TotalSeconds:F0} s (settled {Settle.TotalSeconds:F0} s after the last restart)",
        .. Problems.Take(20).Select(p => "  ! " + p),
    ]);
}

/// <summary>
/// Issue 11, item 2 (« Crash and outage, measured »): Paraphe as a separate process on a throwaway PostgreSQL cluster,
/// email to a loopback SMTP server, SMS to the Twilio simulator. It queues <see cref="CrashOptions.Messages"/> messages
/// and completes face-to-face procedures (to seal) through the API, SIGKILLs the process in the middle of dispatching
/// and sealing, starts it again on the same database, data directory and keys, waits until everything settled and
/// counts what each provider received by notification id. Used by the crash test (small) and `bench/crash.sh` (long).
/// </summary>
public sealed class CrashScenario
{
    public const string ApiKey = "pk_crash_demo_agency_key_0001";
    private static readonly string SigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray());
    private static readonly TimeSpan StartWithin = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan SettleWithin = TimeSpan.FromMinutes(5);

    /// <summary>Sealing jobs taken by a worker (an attempt started) and not finished.</summary>
    private const string SealingInProgress =
        """SELECT count(*) FROM sealing_jobs WHERE "DoneAt" IS NULL AND "FailedAt" IS NULL AND "Attempts" > 0""";

    /// <summary>Messages not final: queued, being sent, or waiting for a retry.</summary>
    private const string OpenMessages =
        """SELECT count(*) FROM notifications WHERE lower("Status") IN ('queued', 'sending', 'deferred')""";

    private readonly CrashOptions options;
    private readonly Action<string> progress;

    public CrashScenario(CrashOptions options, Action<string>? progress = null)
    {
        this.options = options;
        this.progress = progress ?? (_ => { });
    }

    public async Task<CrashReport> RunAsync()
    {
        var watch = Stopwatch.StartNew();
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateUniqueDatabaseAsync("crash");
        var store = new CountingSmtpStore { Delay = options.SmtpDelay ?? TimeSpan.FromMilliseconds(15) };
        await using var smtp = LoopbackSmtpServer.Start(store);
        await using var twilio = await TwilioSimulator.StartAsync();
        var dataDirectory = Directory.CreateTempSubdirectory("paraphe-crash-").FullName;
        var port = FreeTcpPort.Next();
        var settings = Settings(connectionString, dataDirectory, port, smtp.Port, twilio.BaseUrl);
        var logFile = Path.Combine(dataDirectory, "paraphe.log");
        ParapheProcess? app = null;
        try
        {
            app = ParapheProcess.Start(port, settings, logFile);
            await app.WaitUntilReadyAsync(ApiKey, StartWithin);
            using var http = Client(app.BaseAddress);

            progress($"queueing {options.Messages} messages ({options.Procedures} procedures × {options.SignersPerProcedure} signers × 2)");
            var contacts = new List<string>();
            for (var i = 0; i < options.SignersPerProcedure; i++)
                contacts.Add((await PostAsync(http, "api/v1/contacts", new
                {
                    first_name = "Signataire", last_name = $"Numéro{i}", email = $"signataire.{i}.{Guid.NewGuid():N}@gmail.com",
                    mobile = "+3361" + Random.Shared.Next(0, 10_000_000).ToString("D7", CultureInfo.InvariantCulture),
                })).GetProperty("id").GetString()!);
            var drafts = new List<string>();
            for (var i = 0; i < options.Procedures; i++) drafts.Add(await DraftAsync(http, "remote", contacts));
            var faceToFace = new List<(string Id, string[] Signers)>();
            for (var i = 0; i < options.SealedProcedures; i++)
            {
                var launched = await PostAsync(http, $"api/v1/procedures/{await DraftAsync(http, "in_person", contacts.Take(2).ToList())}/launch", null, HttpStatusCode.OK);
                faceToFace.Add((launched.GetProperty("id").GetString()!,
                    launched.GetProperty("signers").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToArray()));
            }

            // Every launch queues its messages at once; the dispatcher starts on them while the others are launched.
            await Parallel.ForEachAsync(drafts, new ParallelOptions { MaxDegreeOfParallelism = 4 },
                async (id, _) => await PostAsync(http, $"api/v1/procedures/{id}/launch", null, HttpStatusCode.OK));

            var kills = new List<KillRecord>();
            var sealBatches = faceToFace.Chunk(Math.Max(1, (int)Math.Ceiling(faceToFace.Count / (double)Math.Max(1, options.Kills)))).ToList();
            for (var k = 1; k <= options.Kills; k++)
            {
                var target = options.Messages * k / (options.Kills + 1);
                var wait = Stopwatch.StartNew();
                while (Reached(store, twilio) < target && wait.Elapsed < SettleWithin) await Task.Delay(20);

                // Completions just before the kill, which comes once one of their seals is being made.
                if (k - 1 < sealBatches.Count)
                {
                    foreach (var (id, signers) in sealBatches[k - 1])
                        foreach (var (signer, i) in signers.Select((s, i) => (s, i)))
                            await PostAsync(http, $"api/v1/procedures/{id}/signers/{signer}/sign-in-person", new
                            {
                                consent = true, confirmed_name = $"Signataire Numéro{i}", typed_name = $"Numéro{i}",
                            }, HttpStatusCode.OK);
                    wait.Restart();
                    while (await CountAsync(connectionString, SealingInProgress) == 0 && wait.Elapsed < TimeSpan.FromSeconds(20))
                        await Task.Delay(10);
                }

                await app.KillAsync();
                // What the killed instance handed over before it died: messages whose data reached a provider and are
                // still being paced or answered there count as received (the provider has them).
                var atKill = Reached(store, twilio);
                wait.Restart();
                while ((store.Saving > 0 || twilio.Handling > 0) && wait.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(5);
                var receivedIds = ReceivedIds(store, twilio);
                progress($"kill {k}: {Reached(store, twilio) - atKill} message(s) handed over before the kill were counted after it");
                var inFlight = await IdsAsync(connectionString, """SELECT "Id" FROM notifications WHERE lower("Status") = 'sending'""");
                var sealing = await CountAsync(connectionString, SealingInProgress);
                kills.Add(new KillRecord(k, receivedIds.Count, inFlight.Count, sealing, inFlight, receivedIds));
                progress($"kill {k}: {receivedIds.Count} received, {inFlight.Count} claimed, {sealing} seals being made");
                await app.DisposeAsync();

                app = ParapheProcess.Start(port, settings, logFile);
                await app.WaitUntilReadyAsync(ApiKey, StartWithin);
            }

            // Settled: no message left to send or being sent, no seal left to make. Both counted in one statement (one
            // snapshot): a seal commits its completion emails with its job's end, and two statements could see the
            // emails' absence before that commit and the job's end after it (CI once took 3 emails just queued for lost).
            var settle = Stopwatch.StartNew();
            while (true)
            {
                var (open, unsealed) = await OpenWorkAsync(connectionString);
                if (open == 0 && unsealed == 0) break;
                if (settle.Elapsed > SettleWithin)
                {
                    progress($"not settled after {SettleWithin.TotalMinutes} min: {open} messages open, {unsealed} seals not done");
                    break;
                }
                await Task.Delay(250);
            }
            var settled = settle.Elapsed;
            using var client = Client(app.BaseAddress);
            return await CountAsync(connectionString, client, store, twilio, kills, faceToFace.Select(f => f.Id).ToList(),
                drafts, Path.Combine(dataDirectory, "sealing", "dev-ca.pem"), watch.Elapsed, settled);
        }
        finally
        {
            if (app is not null) await app.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            if (Environment.GetEnvironmentVariable("PARAPHE_CRASH_KEEP") is null)
                try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
            else progress($"kept {dataDirectory} (log: {logFile})");
        }
    }

    private static async Task<(long Open, long Unsealed)> OpenWorkAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""SELECT ({OpenMessages}), (SELECT count(*) FROM sealing_jobs WHERE "DoneAt" IS NULL AND "FailedAt" IS NULL)""", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private async Task<CrashReport> CountAsync(string connectionString, HttpClient http, CountingSmtpStore store, TwilioSimulator twilio,
        List<KillRecord> kills, List<string> sealedIds, List<string> remoteIds, string caPem, TimeSpan elapsed, TimeSpan settled)
    {
        var problems = new List<string>();
        var rows = new List<(string Id, string Channel, string Status, string? Error)>();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""SELECT "Id", lower("Channel"), lower("Status"), "Error" FROM notifications""", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }
        var receipts = Receipts(store, twilio);
        var final = rows.Count(r => r.Status is "sent" or "delivered");
        var lost = 0;
        foreach (var r in rows)
        {
            if (r.Status is not ("sent" or "delivered") || !receipts.ContainsKey(r.Id))
            {
                lost++;
                problems.Add($"{r.Channel} {r.Id}: {r.Status}, received {receipts.GetValueOrDefault(r.Id)} time(s) {r.Error}");
            }
        }
        var unknown = receipts.Keys.Except(rows.Select(r => r.Id)).ToList();
        problems.AddRange(unknown.Select(u => $"received a message for no notification: {u}"));
        var duplicates = receipts.Values.Sum(n => n - 1);
        var outside = receipts.Where(r => r.Value > 1)
            // A copy per kill at most, and only at a kill where that message's send was in flight (each lane sends up
            // to `Paraphe:Outbox:Concurrency` messages at once, so one kill can catch several messages, each once).
            .Where(r => r.Value - 1 > kills.Count(k => k.InFlight.Contains(r.Key) && k.ReceivedIds.Contains(r.Key)))
            .Select(r => r.Key).ToList();
        problems.AddRange(outside.Select(o => $"{o} received {receipts[o]} times but was not in flight at a kill"));
        var stuck = await CountAsync(connectionString, OpenMessages);
        var stuckSeals = await CountAsync(connectionString, """SELECT count(*) FROM sealing_jobs WHERE "DoneAt" IS NULL""");

        var invalidChains = 0;
        foreach (var id in remoteIds.Concat(sealedIds))
        {
            var audit = await GetJsonAsync(http, $"api/v1/procedures/{id}/audit");
            if (!audit.GetProperty("valid").GetBoolean()) { invalidChains++; problems.Add($"audit chain of {id} is not valid"); }
        }
        var invalidSeals = 0;
        foreach (var id in sealedIds)
        {
            using var response = await http.GetAsync($"api/v1/procedures/{id}/signed-document");
            var path = Path.Combine(Path.GetTempPath(), $"paraphe-crash-{id}.pdf");
            try
            {
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"signed document: {(int)response.StatusCode}");
                await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
                var report = await Pdfsig.VerifyAsync(path, caPem);
                if (!report.Contains("Signature is Valid.", StringComparison.Ordinal) || !report.Contains("Total document signed", StringComparison.Ordinal))
                    throw new InvalidOperationException(report);
            }
            catch (InvalidOperationException e)
            {
                invalidSeals++;
                problems.Add($"seal of {id}: {e.Message}");
            }
            finally { File.Delete(path); }
        }
        return new CrashReport(options, kills, rows.Count, final, lost, duplicates, outside, stuck, stuckSeals,
            remoteIds.Count + sealedIds.Count, invalidChains, sealedIds.Count, invalidSeals, elapsed, settled, problems);
    }

    private static Dictionary<string, string> Settings(string connectionString, string dataDirectory, int port, int smtpPort, string twilioUrl) => new()
    {
        ["ConnectionStrings:Paraphe"] = connectionString,
        ["Paraphe:Database"] = "postgres",
        ["Paraphe:DataDirectory"] = dataDirectory,
        ["Paraphe:SigningKey"] = SigningKey,
        ["Paraphe:Demo:ApiKey"] = ApiKey,
        ["Paraphe:PublicBaseUrl"] = $"http://127.0.0.1:{port}",
        ["Paraphe:Email:Provider"] = "smtp",
        ["Paraphe:Email:From"] = "signature@paraphe.example",
        ["Paraphe:Email:Smtp:Host"] = "127.0.0.1",
        ["Paraphe:Email:Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
        ["Paraphe:Email:Smtp:Security"] = "none",
        ["Paraphe:Email:BounceAddress"] = "bounces@paraphe.example",
        ["Paraphe:Sms:Provider"] = "twilio",
        ["Paraphe:Sms:Twilio:AccountSid"] = TwilioSimulator.AccountSid,
        ["Paraphe:Sms:Twilio:AuthToken"] = TwilioSimulator.AuthToken,
        ["Paraphe:Sms:Twilio:From"] = "+33644630000",
        ["Paraphe:Sms:Twilio:BaseUrl"] = twilioUrl,
        // A crash leaves claims behind: short leases so that the restarted process takes them again within seconds. Not
        // shorter: a send's own deadline is a quarter of the lease, and at 10 s (a 2.5 s deadline) a CI run loaded four
        // times over timed out sends whose email the server had already taken, then sent them again with no kill in
        // between (3 « sent twice without being in flight at a kill »): a timeout after the data is an ambiguous
        // answer, which the dispatcher rightly retries.
        ["Paraphe:Outbox:SendingLease"] = "00:00:30",
        ["Paraphe:Outbox:PollInterval"] = "00:00:00.500",
        ["Paraphe:Sealing:Worker:Lease"] = "00:00:20",
        ["Paraphe:Sealing:Worker:JobTimeout"] = "00:00:15",
        ["Paraphe:Sealing:Worker:PollInterval"] = "00:00:01",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private static HttpClient Client(Uri baseAddress)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return http;
    }

    private static async Task<string> DraftAsync(HttpClient http, string mode, IReadOnlyList<string> contacts)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(SamplePdfs.Valid(1));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", "compromis.pdf");
        form.Add(new StringContent("Compromis de vente"), "title");
        form.Add(new StringContent("compromis"), "kind");
        var document = await JsonAsync(await http.PostAsync("api/v1/documents", form), HttpStatusCode.Created);
        var procedure = await PostAsync(http, "api/v1/procedures", new
        {
            document_id = document.GetProperty("id").GetString(), mode,
            signers = contacts.Select((c, i) => new { contact_id = c, role = i == 0 ? "vendeur" : "acquéreur" }).ToArray(),
        });
        return procedure.GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object? body, HttpStatusCode expected = HttpStatusCode.Created) =>
        await JsonAsync(await http.PostAsync(path, body is null ? null : JsonContent.Create(body)), expected);

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path) => await JsonAsync(await http.GetAsync(path), HttpStatusCode.OK);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != expected)
                throw new InvalidOperationException(
                    $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: {(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }
    }

    /// <summary>Times each notification id reached a provider (SMTP by VERP sender, Twilio by the callback's `n`).</summary>
    private static Dictionary<string, int> Receipts(CountingSmtpStore store, TwilioSimulator twilio)
    {
        var all = store.Received.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        foreach (var sms in twilio.Accepted)
        {
            var id = SmsId(sms);
            all[id] = all.GetValueOrDefault(id) + 1;
        }
        return all;
    }

    private static HashSet<string> ReceivedIds(CountingSmtpStore store, TwilioSimulator twilio) => Receipts(store, twilio).Keys.ToHashSet(StringComparer.Ordinal);

    private static int Reached(CountingSmtpStore store, TwilioSimulator twilio) => store.Received.Count + twilio.Accepted.Count;

    private static string SmsId(TwilioSimulator.Sms sms)
    {
        var query = new Uri(sms.StatusCallback).Query.TrimStart('?').Split('&');
        return query.Select(p => p.Split('=', 2)).Where(p => p[0] == "n").Select(p => Uri.UnescapeDataString(p[1])).FirstOrDefault()
               ?? "(no id) " + sms.Sid;
    }

    private static async Task<HashSet<string>> IdsAsync(string connectionString, string sql)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetString(0));
        return ids;
    }

    private static async Task<int> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
