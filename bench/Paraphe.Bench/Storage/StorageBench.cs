using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Paraphe.Bench.Sealing;
using Paraphe.Testing;

namespace Paraphe.Bench.Storage;

/// <summary>
/// Issue 11 (`--scenario storage`): memory per request for a ~50 MB upload (`POST /api/v1/documents`) and download
/// (`GET /api/v1/documents/{id}/file`) with each storage provider — filesystem, and s3 against s3rver on loopback.
/// The app runs on Kestrel in this process (server GC, as in production); the client streams the file from disk and
/// reads the answer into a reused 80 KB buffer, so what is allocated is the server's. Per request: managed bytes
/// allocated (GC.GetTotalAllocatedBytes, precise) and the peak working set above the level before the request (sampled
/// every 2 ms). Each request is run <see cref="Runs"/> times after one warm-up; the table gives the median and the worst.
/// </summary>
public static class StorageBench
{
    public const string Flag = "storage";
    private const int Runs = 5;
    private const string Key = "pk_bench_storage_key_0123456789";

    public static async Task<int> RunAsync()
    {
        Console.WriteLine($"Paraphe.Bench storage — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {Machine.Describe()}");
        Console.WriteLine($"load average at start: {Machine.LoadAverage()}");
        Paraphe.Web.Features.Sealing.DejaVuFonts.EnsureRegistered();
        var pdf = SealingInputs.ScannedContract(24);
        var file = Path.Combine(Path.GetTempPath(), $"paraphe-bench-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        pdf = null;
        var size = new FileInfo(file).Length;
        Console.WriteLine($"file: {size / 1024.0 / 1024.0:F1} MB (24 scanned pages)");
        Console.WriteLine();
        Console.WriteLine("| Provider | Request | Allocated per request (median) | × file | Peak working set above start (median / worst) | ms (median) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        try
        {
            await RunProviderAsync("filesystem", new Dictionary<string, string>(), file, size);
            await using var s3 = await S3rver.StartAsync();
            await RunProviderAsync("s3 (s3rver)", s3.Settings, file, size);
        }
        finally
        {
            File.Delete(file);
        }
        Console.WriteLine();
        Console.WriteLine($"load average after: {Machine.LoadAverage()}");
        return 0;
    }

    private static async Task RunProviderAsync(string name, IReadOnlyDictionary<string, string> settings, string file, long size)
    {
        var directory = Directory.CreateTempSubdirectory("paraphe-bench-storage-").FullName;
        try
        {
            await using var app = new App(directory, settings);
            app.UseKestrel(0);
            app.StartServer();
            using var client = app.CreateClient();
            client.Timeout = TimeSpan.FromMinutes(5);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);

            string? id = null;
            var uploads = new List<Sample>();
            for (var i = 0; i <= Runs; i++)
            {
                var (sample, newId) = await MeasureAsync(async () =>
                {
                    await using var stream = File.OpenRead(file);
                    using var form = new MultipartFormDataContent { { new StreamContent(stream, 81920) { Headers = { ContentType = new("application/pdf") } }, "file", "scan.pdf" } };
                    form.Add(new StringContent("Bench 50 Mo"), "title");
                    using var response = await client.PostAsync("/api/v1/documents", form);
                    var body = await response.Content.ReadAsStringAsync();
                    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"upload: {(int)response.StatusCode} {body}");
                    return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetString();
                });
                id = newId;
                if (i > 0) uploads.Add(sample);
            }
            Print(name, "upload", uploads, size);

            var downloads = new List<Sample>();
            var buffer = new byte[81920];
            for (var i = 0; i <= Runs; i++)
            {
                var (sample, read) = await MeasureAsync(async () =>
                {
                    using var response = await client.GetAsync($"/api/v1/documents/{id}/file", HttpCompletionOption.ResponseHeadersRead);
                    response.EnsureSuccessStatusCode();
                    await using var body = await response.Content.ReadAsStreamAsync();
                    long total = 0;
                    int n;
                    while ((n = await body.ReadAsync(buffer)) > 0) total += n;
                    return total;
                });
                if (read != size) throw new InvalidOperationException($"download gave {read} bytes, not {size}");
                if (i > 0) downloads.Add(sample);
            }
            Print(name, "download", downloads, size);
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private sealed record Sample(long Allocated, long PeakAbove, double Milliseconds);

    private static async Task<(Sample, T)> MeasureAsync<T>(Func<Task<T>> request)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var start = process.WorkingSet64;
        var peak = start;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var self = Process.GetCurrentProcess();
            while (!stop.IsCancellationRequested)
            {
                self.Refresh();
                peak = Math.Max(peak, self.WorkingSet64);
                try { await Task.Delay(2, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var result = await request();
        watch.Stop();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        await stop.CancelAsync();
        await sampler;
        return (new Sample(allocated, Math.Max(0, peak - start), watch.Elapsed.TotalMilliseconds), result);
    }

    private static void Print(string provider, string request, List<Sample> samples, long size)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.OrderBy(v => v).ToArray();
            return sorted[sorted.Length / 2];
        }
        var allocated = Median(samples.Select(s => (double)s.Allocated));
        var peak = Median(samples.Select(s => (double)s.PeakAbove));
        var worst = samples.Max(s => s.PeakAbove);
        Console.WriteLine($"| {provider} | {request} | {allocated / 1024 / 1024:F1} MB | {allocated / size:F2} | {peak / 1024 / 1024:F1} MB / {worst / 1024.0 / 1024:F1} MB | {Median(samples.Select(s => s.Milliseconds)):F0} |");
    }

    /// <summary>The web app (any type of its assembly names it: this project has a Program of its own).</summary>
    private sealed class App(string directory, IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Paraphe.Web.Platform.ParapheOptions>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseContentRoot(directory);
            builder.UseSetting("Paraphe:DataDirectory", directory);
            builder.UseSetting("Paraphe:Demo:ApiKey", Key);
            builder.UseSetting("Paraphe:MaxUploadMegabytes", "60");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
        }
    }
}
