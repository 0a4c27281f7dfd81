using System.Globalization;

namespace Paraphe.Bench.Http;

/// <summary>
/// Issue 12, round 8 (sign8): how busy PostgreSQL's backends are while a row is measured — concurrency, not CPU. Every
/// 10 ms it reads <c>/proc/*/stat</c> of the cluster's backends (the postmaster's children): how many exist and how many
/// are running or runnable (state <c>R</c>). At the end it adds the backends' context switches (voluntary and
/// involuntary, <c>/proc/*/status</c>) over the same time. On 2 cores, more than 2 runnable backends means backends
/// waiting for a core, each switch a cost the floor pays as well.
/// </summary>
public sealed class BackendWatch : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly long _switchesBefore;
    private long _samples, _backends, _running, _maxRunning;

    private BackendWatch(string dataDirectory)
    {
        _dataDirectory = dataDirectory;
        _switchesBefore = Switches(dataDirectory);
        _loop = Task.Run(LoopAsync);
    }

    public static BackendWatch? Start(string? dataDirectory) => dataDirectory is null ? null : new BackendWatch(dataDirectory);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var (backends, running) = States(_dataDirectory);
            _samples++;
            _backends += backends;
            _running += running;
            _maxRunning = Math.Max(_maxRunning, running);
            try { await Task.Delay(10, _stop.Token); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>Stops sampling: mean backends, mean and highest runnable backends, context switches per operation.</summary>
    public async Task<string> StopAsync(long operations)
    {
        await _stop.CancelAsync();
        await _loop;
        var switches = Switches(_dataDirectory) - _switchesBefore;
        var n = Math.Max(1, _samples);
        return string.Create(CultureInfo.InvariantCulture,
            $"{(double)_backends / n:F0} backends, {(double)_running / n:F1} runnable on average (at most {_maxRunning}), {(double)switches / Math.Max(1, operations):F2} backend context switches per request");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    /// <summary>The postmaster's children (backends and background processes); none when the cluster cannot be read.</summary>
    private static IEnumerable<(int Pid, string[] Fields)> Children(string dataDirectory)
    {
        try
        {
            return PostgresCpu.Processes(dataDirectory).Where(p => !p.Postmaster).Select(p => (p.Pid, p.Fields)).ToList();
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException)
        {
            return [];
        }
    }

    private static (int Backends, int Running) States(string dataDirectory)
    {
        int backends = 0, running = 0;
        foreach (var (_, fields) in Children(dataDirectory))
        {
            backends++;
            if (fields[0] == "R") running++;
        }
        return (backends, running);
    }

    private static long Switches(string dataDirectory)
    {
        long total = 0;
        foreach (var (pid, _) in Children(dataDirectory))
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        total += long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
            }
            catch (IOException) { }
        }
        return total;
    }
}
