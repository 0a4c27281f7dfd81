using System.Diagnostics;
using System.Globalization;
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

namespace Paraphe.Bench.Instances;

/// <summary>
/// Issue 11 (`--scenario instances`): dispatch and sealing throughput with one and with two Paraphe instances on one
/// PostgreSQL (fsync on), each instance the real app (WebApplicationFactory, hosted workers running: the dispatcher's
/// lanes and the sealing worker), capture providers. Per run, on a fresh database: a seeding instance (sealing off)
/// completes <c>procedures</c> face-to-face procedures and launches a few remote ones, then stops; the measured
/// instances start, the sealing jobs are released at once (t0) and timed until every procedure is sealed; then
/// <c>messages</c> reminders are queued in one transaction (t0) and timed until every one is sent.
/// </summary>
public static class InstancesBench
{
    public const string Flag = "instances";

    public static async Task<int> RunAsync(string[] args)
    {
        var messages = Arg(args, "--messages", 2000);
        var procedures = Arg(args, "--procedures", 30);
        Console.WriteLine($"Paraphe.Bench instances (issue 11) — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {Machine.Describe()}");
        Console.WriteLine($"load average at start: {Machine.LoadAverage()}");
        await using var cluster = await PostgresCluster.StartAsync(fsync: true);
        var rows = new List<string>();
        foreach (var instances in new[] { 1, 2, 1, 2 })
        {
            var (sealed_, sealSeconds, sent, sendSeconds) = await RunOneAsync(cluster, instances, procedures, messages);
            rows.Add($"| {instances} | {sealed_} | {sealSeconds:F1} | {sealed_ / sealSeconds:F1} | {sent} | {sendSeconds:F1} | {sent / sendSeconds:F0} | {Machine.LoadAverage()} |");
            Console.Error.WriteLine(rows[^1]);
        }
        Console.WriteLine();
        Console.WriteLine("| instances | procedures sealed | seal s | seals/s | messages sent | send s | msg/s | load average after |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows) Console.WriteLine(row);
        Console.WriteLine();
        Console.WriteLine($"load average at end: {Machine.LoadAverage()}");
        return 0;
    }

    private static async Task<(int Sealed, double SealSeconds, int Sent, double SendSeconds)> RunOneAsync(
        PostgresCluster cluster, int instances, int procedures, int messages)
    {
        var connectionString = await cluster.CreateUniqueDatabaseAsync("instances");
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        Console.Error.WriteLine($"[instances={instances}] seeding {procedures} completed procedures…");
        List<string> remote;
        await using (var seeder = new Instance(connectionString, key, sealing: false))
        {
            var api = seeder.Client();
            for (var i = 0; i < procedures; i++) await CompleteAsync(api, "in_person");
            remote = [];
            for (var i = 0; i < 5; i++) remote.Add(await CompleteAsync(api, "remote"));
            await WaitAsync(seeder, async db => !await db.Notifications.IgnoreQueryFilters().AnyAsync(n =>
                n.Status == DeliveryStatus.Queued || n.Status == DeliveryStatus.Sending || n.Status == DeliveryStatus.Deferred), "invitations");
            // Held until every measured instance is up.
            await seeder.DbAsync(db => db.SealingJobs.ExecuteUpdateAsync(s => s.SetProperty(j => j.NextAttemptAt, new DateTime(9999, 1, 1, 0, 0, 0, DateTimeKind.Utc))));
        }

        var apps = Enumerable.Range(0, instances).Select(_ => new Instance(connectionString, key, sealing: true)).ToList();
        try
        {
            foreach (var app in apps) _ = app.Server; // started, workers running
            var first = apps[0];

            var watch = Stopwatch.StartNew();
            await first.DbAsync(db => db.SealingJobs.ExecuteUpdateAsync(s => s.SetProperty(j => j.NextAttemptAt, DateTime.UtcNow)));
            await WaitAsync(first, db => db.Procedures.IgnoreQueryFilters().AllAsync(p => p.Mode != Domain.Procedures.ProcedureMode.InPerson || p.SealedAt != null), "seals");
            var sealSeconds = watch.Elapsed.TotalSeconds;

            Console.Error.WriteLine($"[instances={instances}] {procedures} sealed in {sealSeconds:F1} s; queueing {messages} messages…");
            await first.DbAsync(async db =>
            {
                var now = DateTime.UtcNow;
                var signers = await db.Procedures.IgnoreQueryFilters().Where(p => remote.Contains(p.Id)).SelectMany(p => p.Signers)
                    .Select(s => new { s.ProcedureId, s.Id, s.Email, s.Mobile }).ToListAsync();
                var agency = await db.Procedures.IgnoreQueryFilters().Where(p => remote.Contains(p.Id)).Select(p => p.AgencyId).FirstAsync();
                for (var i = 0; i < messages; i++)
                {
                    var s = signers[i % signers.Count];
                    db.Notifications.Add(i % 2 == 0
                        ? Notification.Queue(agency, s.ProcedureId, s.Id, Channel.Email, Purpose.Reminder, s.Email, now)
                        : Notification.Queue(agency, s.ProcedureId, s.Id, Channel.Sms, Purpose.Reminder, s.Mobile, now));
                }
                await db.SaveChangesAsync();
                watch.Restart();
                return 0;
            });
            await WaitAsync(first, async db => await db.Notifications.IgnoreQueryFilters()
                .CountAsync(n => n.Purpose == Purpose.Reminder && n.Status == DeliveryStatus.Sent) == messages, "messages");
            var sendSeconds = watch.Elapsed.TotalSeconds;
            var twice = await first.DbAsync(db => db.CapturedMessages.IgnoreQueryFilters().GroupBy(c => c.NotificationId)
                .CountAsync(g => g.Count() > 1));
            if (twice > 0) throw new InvalidOperationException($"{twice} messages were sent twice");
            return (procedures, sealSeconds, messages, sendSeconds);
        }
        finally
        {
            foreach (var app in apps) await app.DisposeAsync();
        }
    }

    private static async Task WaitAsync(Instance app, Func<ParapheDbContext, Task<bool>> done, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await app.DbAsync(done))
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(15)) throw new TimeoutException($"{what}: not done after 15 minutes");
            await Task.Delay(50);
        }
    }

    /// <summary>A procedure with two signers: face-to-face and signed by both (its seal on the way), or remote and launched.</summary>
    private static async Task<string> CompleteAsync(HttpClient api, string mode)
    {
        var contacts = new List<string>();
        foreach (var name in new[] { "Camille", "Hugo" })
            contacts.Add((await Json(await api.PostAsJsonAsync("/api/v1/contacts", new
            {
                first_name = name, last_name = "Martin", email = $"{name.ToLowerInvariant()}.{Guid.NewGuid():N}"[..24] + "@gmail.com",
                mobile = "+33612345678",
            }))).GetProperty("id").GetString()!);
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(SamplePdfs.Valid(4, "Compromis"));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", "compromis.pdf");
        form.Add(new StringContent("Compromis de vente"), "title");
        form.Add(new StringContent("compromis"), "kind");
        var document = await Json(await api.PostAsync("/api/v1/documents", form));
        var procedure = await Json(await api.PostAsJsonAsync("/api/v1/procedures", new
        {
            document_id = document.GetProperty("id").GetString(), mode, launch = true,
            signers = contacts.Select((c, i) => new { contact_id = c, role = i == 0 ? "vendeur" : "acquéreur" }).ToArray(),
        }));
        var id = procedure.GetProperty("id").GetString()!;
        if (mode == "in_person")
            foreach (var (signer, name) in procedure.GetProperty("signers").EnumerateArray().Zip(new[] { "Camille", "Hugo" }))
                await Json(await api.PostAsJsonAsync($"/api/v1/procedures/{id}/signers/{signer.GetProperty("id").GetString()}/sign-in-person",
                    new { consent = true, confirmed_name = $"{name} Martin", typed_name = $"{name} Martin" }));
        return id;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>One Paraphe instance on the shared database, with a data directory of its own.</summary>
    private sealed class Instance(string connectionString, string signingKey, bool sealing)
        : WebApplicationFactory<Paraphe.Web.Features.Completion.SealingWorker> // any type of the app's assembly (the bench has its own Program)
    {
        public const string DemoKey = "pk_bench_instances_demo_key_0123456789";
        private readonly string directory = Directory.CreateTempSubdirectory("paraphe-instances-").FullName;

        static Instance()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "src", "Paraphe.Web"))) dir = dir.Parent;
            if (dir is not null)
                Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_PARAPHE_WEB", Path.Combine(dir.FullName, "src", "Paraphe.Web"));
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Paraphe:DataDirectory", directory);
            builder.UseSetting("Paraphe:Demo:ApiKey", DemoKey);
            builder.UseSetting("Paraphe:SigningKey", signingKey);
            builder.UseSetting("ConnectionStrings:Paraphe", connectionString);
            builder.UseSetting("Paraphe:Database", "postgres");
            builder.UseSetting("Paraphe:Sealing:Worker:Enabled", sealing ? "true" : "false");
            builder.UseSetting("Paraphe:Sealing:Worker:PollInterval", "00:00:00.100");
            builder.UseSetting("Paraphe:Outbox:PollInterval", "00:00:00.100");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }

        public HttpClient Client()
        {
            var client = CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoKey);
            return client;
        }

        public async Task<T> DbAsync<T>(Func<ParapheDbContext, Task<T>> work)
        {
            await using var scope = Services.CreateAsyncScope();
            return await work(scope.ServiceProvider.GetRequiredService<ParapheDbContext>());
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            try { Directory.Delete(directory, recursive: true); }
            catch (IOException) { }
        }
    }
}
