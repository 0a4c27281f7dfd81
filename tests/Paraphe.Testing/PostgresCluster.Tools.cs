using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Paraphe.Testing;

/// <summary>Running PostgreSQL's tools (as the <c>postgres</c> user when root) and finding them on this machine.</summary>
public sealed partial class PostgresCluster
{
    private static async Task<(int ExitCode, string Output)> RunToolAsync(
        string binDirectory, string workingDirectory, bool runAsPostgres, string tool, IReadOnlyList<string> arguments,
        CancellationToken cancellationToken)
    {
        var executable = Path.Combine(binDirectory, tool);
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            // The postgres user must be able to read its working directory (the repo may be under /root).
            WorkingDirectory = workingDirectory,
        };
        if (runAsPostgres)
        {
            start.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", executable })
            {
                start.ArgumentList.Add(a);
            }
        }
        else
        {
            start.FileName = executable;
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not run {start.FileName} ({executable}): {ex.Message}", ex);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{tool} did not finish within {CommandTimeout.TotalSeconds} s.");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private static string FindBinDirectory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PARAPHE_PG_BIN");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return HasTools(fromEnvironment)
                ? fromEnvironment
                : throw new InvalidOperationException($"PARAPHE_PG_BIN={fromEnvironment} has no initdb/pg_ctl.");
        }

        // Debian: /usr/lib/postgresql/<major>/bin, not on PATH. Take the highest major version.
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var best = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(c => c.Version >= 0 && HasTools(c.Dir))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Dir)
                .FirstOrDefault();
            if (best is not null)
            {
                return best;
            }
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var onPath = path.Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(HasTools);
        return onPath ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin nor on PATH. " +
            "Install them (Debian: apt-get install postgresql-15) or run ./scripts/test.sh as root, which does; " +
            "or set PARAPHE_PG_BIN to their directory.");
    }

    private static bool HasTools(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

    /// <summary>Clusters whose owning test process died (killed run, crashed test host) would run forever.</summary>
    private static void StopAbandonedClusters(string binDirectory, string tempRoot, bool runAsPostgres)
    {
        string[] candidates;
        try
        {
            candidates = Directory.GetDirectories(tempRoot, DirectoryPrefix + "*");
        }
        catch (IOException)
        {
            return;
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }

        foreach (var dir in candidates)
        {
            try
            {
                var ownerFile = Path.Combine(dir, OwnerFileName);
                if (!File.Exists(ownerFile)
                    || !int.TryParse(File.ReadAllText(ownerFile).Trim(), CultureInfo.InvariantCulture, out var pid)
                    || IsAlive(pid))
                {
                    continue;
                }

                if (File.Exists(Path.Combine(dir, "data", "postmaster.pid")))
                {
                    RunToolAsync(binDirectory, dir, runAsPostgres, "pg_ctl",
                            ["-D", Path.Combine(dir, "data"), "-m", "immediate", "-w", "stop"], CancellationToken.None)
                        .GetAwaiter().GetResult();
                }

                TryDelete(dir);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Best effort: someone else's directory or a race with another test process cleaning up.
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        // /proc works for other users' processes too, unlike Process.GetProcessById on some setups.
        return Directory.Exists($"/proc/{pid}");
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temp directory is not worth failing a test run for.
        }
    }

    private static string ReadTail(string file)
    {
        try
        {
            var text = File.ReadAllText(file);
            return text.Length <= 4000 ? text : text[^4000..];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "(unreadable)";
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}
