using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Testing;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Features.Completion;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Features.Signing;
using SkiaSharp;

namespace Paraphe.Bench.Sealing;

/// <summary>
/// Issue 9, point 1 (`--scenario stall`): (A) the cost of the largest signature image accepted — checking it when the
/// signer signs, and stamping + sealing it — and of refusing a 10,000 × 10,000 PNG; (B) how long a normal procedure
/// waits for its seal while another agency's pathological one (a 30,000-character title) is in the queue, through
/// the real sealing worker of the app (SQLite), with and without it.
/// </summary>
public static class StallBench
{
    public const string Flag = "stall";

    public static async Task<int> RunAsync()
    {
        Console.WriteLine($"Paraphe.Bench stall (issue 9) — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {Machine.Describe()}");
        Console.WriteLine($"load average at start: {Machine.LoadAverage()}");
        Console.WriteLine();
        await ImagesAsync();
        Console.WriteLine($"load average: {Machine.LoadAverage()}");
        Console.WriteLine();
        await QueueAsync();
        Console.WriteLine($"load average at end: {Machine.LoadAverage()}");
        return 0;
    }

    // ---- A. Images -------------------------------------------------------------------------------------------

    private static async Task ImagesAsync()
    {
        SealingInputs.Directory = Directory.CreateTempSubdirectory("paraphe-stall-").FullName;
        DejaVuFonts.EnsureRegistered();
        var pdf = SealingInputs.TextContract(10);
        (string Name, byte[] Png)[] images =
        [
            ("phone canvas 1,200 × 600", Drawing(1200, 600)),
            ("largest accepted, 2,000 × 2,000 (4 MP)", Drawing(2000, 2000)),
            ("largest accepted, 4,000 × 1,000 (4 MP)", Drawing(4000, 1000)),
            ("refused: 10,000 × 10,000 1-bit", HugePng(10_000, 10_000)),
        ];
        using var fixture = new SealingFixture(SealingInputs.TenPages, pdf);
        await fixture.StampAndSealAsync(); // JIT, fonts
        SignatureImages.Normalize(Url(images[0].Png));

        Console.WriteLine("#### A. Signature images (10-page contract, 2 signers with the same drawing, warm process, median of 5)");
        Console.WriteLine();
        Console.WriteLine("| Image | PNG bytes | check at signing (ms) | peak extra RSS at signing | stored PNG | stamp + seal (ms) | peak extra RSS sealing |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, png) in images)
        {
            string? stored = null;
            string? refusal = null;
            var (checkMs, checkPeak) = Measure(() =>
            {
                try { stored = SignatureImages.Normalize(Url(png)); }
                catch (DomainException e) { refusal = e.Code; }
            });
            string sealMs, sealPeak, storedSize;
            if (stored is not null)
            {
                var bytes = Convert.FromBase64String(stored[SignatureImages.DataUrlPrefix.Length..]);
                storedSize = $"{bytes.Length / 1024} KB";
                var stamps = fixture.WithDrawing(bytes);
                var (ms, peak) = Measure(() => fixture.Sealer.StampAndSealAsync(fixture.Pdf, stamps, fixture.Evidence).GetAwaiter().GetResult());
                (sealMs, sealPeak) = ($"{ms:F0}", Mb(peak));
            }
            else
            {
                // Stored before the checks: the stamper's bounded decoder refuses it (the job fails, visibly).
                var stamps = fixture.WithDrawing(png);
                var (ms, peak) = Measure(() =>
                {
                    try { fixture.Sealer.StampAndSealAsync(fixture.Pdf, stamps, fixture.Evidence).GetAwaiter().GetResult(); }
                    catch (DomainException) { }
                });
                storedSize = $"— ({refusal})";
                (sealMs, sealPeak) = ($"{ms:F0} (refused)", Mb(peak));
            }
            Console.WriteLine($"| {name} | {png.Length:N0} | {checkMs:F1} | {Mb(checkPeak)} | {storedSize} | {sealMs} | {sealPeak} |");
        }
        Console.WriteLine();
    }

    private static (double Ms, long PeakExtra) Measure(Action work)
    {
        var times = new List<double>();
        long peak = 0;
        for (var i = 0; i < 5; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            ResetPeak();
            var baseline = Status("VmRSS:");
            var watch = Stopwatch.StartNew();
            work();
            times.Add(watch.Elapsed.TotalMilliseconds);
            peak = Math.Max(peak, Status("VmHWM:") - baseline);
        }
        times.Sort();
        return (times[times.Count / 2], peak);
    }

    private static string Url(byte[] png) => SignatureImages.DataUrlPrefix + Convert.ToBase64String(png);
    private static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:F1} MB";

    private static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static long Status(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>A drawn signature as a canvas makes it: strokes on a transparent background.</summary>
    private static byte[] Drawing(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Transparent);
            using var pen = new SKPaint { Color = SKColors.DarkBlue, StrokeWidth = Math.Max(3, width / 200f), IsStroke = true, IsAntialias = true };
            var random = new Random(9);
            for (var i = 0; i < 40; i++)
                canvas.DrawLine(random.Next(width), random.Next(height), random.Next(width), random.Next(height), pen);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A valid 1-bit grey PNG, all black: 10,000 × 10,000 pixels in a few kilobytes.</summary>
    private static byte[] HugePng(int width, int height)
    {
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 1;
        using var idat = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(idat, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + (width + 7) / 8];
            for (var y = 0; y < height; y++) z.Write(row);
        }
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        foreach (var (type, data) in new[] { ("IHDR", ihdr), ("IDAT", idat.ToArray()), ("IEND", Array.Empty<byte>()) })
        {
            var chunk = new byte[12 + data.Length];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
            System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
            data.CopyTo(chunk, 8);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
            output.Write(chunk);
        }
        return output.ToArray();
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    // ---- B. The queue ----------------------------------------------------------------------------------------

    private static async Task QueueAsync()
    {
        Console.WriteLine("#### B. A normal procedure's seal while another agency's pathological one is in the queue (SQLite, real worker)");
        Console.WriteLine();
        Console.WriteLine("| Worker settings | Queue | normal: last signature → sealed (s) | pathological job |");
        Console.WriteLine("|---|---|---:|---|");
        foreach (var (concurrency, timeout) in new[] { (2, TimeSpan.FromSeconds(20)), (1, TimeSpan.FromSeconds(10)) })
        {
            await using var app = new StallApp(concurrency, timeout);
            var demo = app.Client(StallApp.DemoKey);
            var other = app.Client(await app.OtherAgencyKeyAsync());
            var alone = await SealLatencyAsync(other, "Compromis 3 rue des Lilas");
            Console.WriteLine($"| Concurrency {concurrency}, JobTimeout {timeout.TotalSeconds:F0} s | empty | {alone.TotalSeconds:F2} | — |");
            // The 30,000-character title of the issue is now refused at input and laid out linearly: the runaway job
            // stands for the next pathological input — a minute of CPU that nothing interrupts, as the old wrap was.
            var slowId = await CompleteAsync(demo, RunawaySealJob.Title);
            await Task.Delay(500); // the worker has taken it
            var latency = await SealLatencyAsync(other, "Compromis 5 rue des Lilas");
            var slow = await ProcedureAsync(demo, slowId);
            var sealing = slow.GetProperty("sealing");
            Console.WriteLine($"| Concurrency {concurrency}, JobTimeout {timeout.TotalSeconds:F0} s | agency 1's runaway job first (60 s of CPU) | " +
                              $"{latency.TotalSeconds:F2} | {sealing.GetProperty("status").GetString()}, attempts {sealing.GetProperty("attempts").GetInt32()}" +
                              $"{(sealing.GetProperty("last_error").ValueKind == JsonValueKind.String ? ": " + sealing.GetProperty("last_error").GetString() : "")} |");
        }
        Console.WriteLine();
    }

    private static async Task<TimeSpan> SealLatencyAsync(HttpClient api, string title)
    {
        var watch = new Stopwatch();
        var id = await CompleteAsync(api, title, watch);
        while ((await ProcedureAsync(api, id)).GetProperty("sealed_at").ValueKind == JsonValueKind.Null)
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(5)) throw new InvalidOperationException($"{id} not sealed after 5 minutes");
            await Task.Delay(20);
        }
        return watch.Elapsed;
    }

    /// <summary>A face-to-face procedure with one signer, signed: the watch starts just before the signature.</summary>
    private static async Task<string> CompleteAsync(HttpClient api, string title, Stopwatch? watch = null)
    {
        var contact = await Json(await api.PostAsJsonAsync("/api/v1/contacts", new
        {
            first_name = "Camille", last_name = "Martin", email = $"camille.{Guid.NewGuid():N}"[..20] + "@gmail.com", mobile = "+33612345678",
        }));
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(SamplePdfs.Valid(2, "Compromis"));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", "compromis.pdf");
        form.Add(new StringContent(title), "title");
        form.Add(new StringContent("compromis"), "kind");
        var document = await Json(await api.PostAsync("/api/v1/documents", form));
        var procedure = await Json(await api.PostAsJsonAsync("/api/v1/procedures", new
        {
            document_id = document.GetProperty("id").GetString(), mode = "in_person", title, launch = true,
            signers = new[] { new { contact_id = contact.GetProperty("id").GetString(), role = "acquéreur" } },
        }));
        var id = procedure.GetProperty("id").GetString()!;
        var signer = procedure.GetProperty("signers")[0].GetProperty("id").GetString();
        watch?.Start();
        await Json(await api.PostAsJsonAsync($"/api/v1/procedures/{id}/signers/{signer}/sign-in-person",
            new { consent = true, confirmed_name = "Camille Martin", typed_name = "Camille Martin" }));
        return id;
    }

    private static async Task<JsonElement> ProcedureAsync(HttpClient api, string id) => await Json(await api.GetAsync($"/api/v1/procedures/{id}"));

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private sealed class StallApp(int concurrency, TimeSpan timeout) : WebApplicationFactory<Paraphe.Web.Features.Completion.SealingWorker> // any type of the app's assembly (the bench has its own Program)
    {
        public const string DemoKey = "pk_bench_stall_demo_key_0123456789";
        private readonly string directory = Directory.CreateTempSubdirectory("paraphe-stall-app-").FullName;

        static StallApp()
        {
            // The app's content root (its wwwroot and pages), found from the bench's directory upwards.
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
            builder.UseSetting("Paraphe:Sealing:Worker:Concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Paraphe:Sealing:Worker:JobTimeout", timeout.ToString());
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.ConfigureTestServices(services => services.AddScoped<ISealJob>(sp =>
                new RunawaySealJob(sp.GetRequiredService<SealProcedure>(), sp.GetRequiredService<ParapheDbContext>())));
        }

        public HttpClient Client(string key)
        {
            var client = CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        }

        public async Task<string> OtherAgencyKeyAsync()
        {
            await using var scope = Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
            var created = await CreateAgency.HandleAsync(db, "Agence du Port", $"direction.{Guid.NewGuid():N}@gmail.com", null, null, CancellationToken.None);
            return created.ApiKey;
        }
    }

    /// <summary>
    /// Agency 1's pathological job: the procedure titled <see cref="Title"/> spins a core for a minute before it is
    /// sealed, and nothing can interrupt it (like PDFsharp's work, or the old quadratic word wrap) — what the worker's
    /// slots and per-attempt budget must keep from holding back anyone else.
    /// </summary>
    private sealed class RunawaySealJob(SealProcedure real, ParapheDbContext db) : ISealJob
    {
        public const string Title = "Dossier pathologique";

        public async Task<bool> HandleAsync(SealingJob job, CancellationToken ct)
        {
            var title = await db.Procedures.IgnoreQueryFilters().Where(p => p.Id == job.ProcedureId).Select(p => p.Title).FirstAsync(ct);
            if (title == Title)
            {
                var spinning = Stopwatch.StartNew();
                while (spinning.Elapsed < TimeSpan.FromSeconds(60)) Thread.SpinWait(10_000);
            }
            return await real.HandleAsync(job, ct);
        }
    }
}
