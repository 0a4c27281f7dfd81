using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Paraphe.Testing.Crash;

/// <summary>
/// Paraphe as a separate operating-system process (`dotnet Paraphe.Web.dll` of the built web project), configured by
/// environment variables, so that it can be killed with SIGKILL like a crashed server and started again on the same
/// database, data directory and keys. Its console goes to a log file in the data directory.
/// </summary>
public sealed class ParapheProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;

    private ParapheProcess(Process process, StreamWriter log, Uri baseAddress)
    {
        this.process = process;
        this.log = log;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    private static string? LogFile { get; set; }

    private static string LogTail()
    {
        try
        {
            var lines = File.ReadAllLines(LogFile!);
            return string.Join('\n', lines.TakeLast(15));
        }
        catch (Exception e) when (e is IOException or ArgumentNullException) { return "(no log)"; }
    }
    public int ProcessId => process.Id;
    public bool HasExited => process.HasExited;

    /// <summary>The built web app next to this checkout's tests (same configuration: Debug or Release).</summary>
    public static string WebDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent?.Name ?? "Debug"; // …/bin/<Configuration>/<tfm>/
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Paraphe.slnx"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException($"No Paraphe.slnx above {AppContext.BaseDirectory}.");
        var dll = Path.Combine(root.FullName, "src", "Paraphe.Web", "bin", configuration, here.Name, "Paraphe.Web.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is not built: dotnet build Paraphe.slnx first.");
    }

    /// <summary>Starts the app on <paramref name="port"/> with these settings (configuration keys, `:` separated).</summary>
    public static ParapheProcess Start(int port, IReadOnlyDictionary<string, string> settings, string logFile)
    {
        LogFile = logFile;
        var dll = WebDll();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var writer = new StreamWriter(logFile, append: true) { AutoFlush = true };
        writer.WriteLine($"==== start {DateTime.UtcNow:O} port {port}");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ParapheProcess(process, writer, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Waits until the API answers an authenticated request (migrations done, demo agency seeded).</summary>
    public async Task WaitUntilReadyAsync(string apiKey, TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"Paraphe exited with {process.ExitCode} while starting:\n{LogTail()}");
            try
            {
                using var response = await http.GetAsync("api/v1/procedures?limit=1");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (watch.Elapsed > within) throw new TimeoutException($"Paraphe did not answer within {within.TotalSeconds} s.");
            await Task.Delay(200);
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, no lease given back — as a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: false); // SIGKILL on Linux
            await process.WaitForExitAsync();
        }
        lock (log) log.WriteLine($"==== killed {DateTime.UtcNow:O}");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
        lock (log) log.Dispose();
    }
}
