using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Paraphe.Bench.Delivery;

/// <summary>
/// The dispatcher's peer: nodemailer's pooled SMTP transport (bench/peers/nodemailer/send.js, the npm package pinned
/// by its package-lock.json), sending N messages of a given size to an SMTP server, as a separate node process.
/// `npm ci` runs first when its node_modules is missing.
/// </summary>
public static class NodemailerPeer
{
    public sealed record Result(int Messages, double Seconds, double MessagesPerSecond, int Connections, double CpuMsPerMessage, string Version);

    public static string Directory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "bench", "peers", "nodemailer");
                if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
            }
            throw new InvalidOperationException("bench/peers/nodemailer not found above " + AppContext.BaseDirectory);
        }
    }

    public static async Task<Result> RunAsync(int port, int messages, int bytes, int connections)
    {
        var dir = Directory;
        if (!System.IO.Directory.Exists(Path.Combine(dir, "node_modules", "nodemailer")))
        {
            Console.Error.WriteLine("[nodemailer] npm ci…");
            var (code, _, err) = await RunProcessAsync("npm", ["ci", "--no-audit", "--no-fund"], dir);
            if (code != 0) throw new InvalidOperationException($"npm ci failed ({code}): {err}");
        }
        var (exit, output, error) = await RunProcessAsync("node", ["send.js", "--host", "127.0.0.1", "--port", Str(port),
            "--messages", Str(messages), "--bytes", Str(bytes), "--connections", Str(connections)], dir);
        if (exit != 0) throw new InvalidOperationException($"node send.js failed ({exit}): {error}");
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var r = json.RootElement;
        return new Result(r.GetProperty("messages").GetInt32(), r.GetProperty("seconds").GetDouble(),
            r.GetProperty("msgPerSecond").GetDouble(), r.GetProperty("connections").GetInt32(),
            r.GetProperty("cpuMsPerMessage").GetDouble(), r.GetProperty("nodemailer").GetString() ?? "?");
    }

    /// <summary>
    /// The SMS half without Paraphe, from another process (bench/peers/nodemailer/sms.js, Node's own fetch, no package):
    /// what the bench process spends meanwhile is the Twilio simulator's cost per SMS.
    /// </summary>
    public static async Task<Result> RunSmsAsync(string url, string authorization, string to, string from, string body, int messages, int concurrency)
    {
        var (exit, output, error) = await RunProcessAsync("node", ["sms.js", "--url", url, "--auth", authorization, "--to", to,
            "--from", from, "--body", body, "--messages", Str(messages), "--concurrency", Str(concurrency)], Directory);
        if (exit != 0) throw new InvalidOperationException($"node sms.js failed ({exit}): {error}");
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var r = json.RootElement;
        return new Result(r.GetProperty("messages").GetInt32(), r.GetProperty("seconds").GetDouble(),
            r.GetProperty("msgPerSecond").GetDouble(), r.GetProperty("concurrency").GetInt32(),
            r.GetProperty("cpuMsPerMessage").GetDouble(), "fetch");
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static async Task<(int Code, string Out, string Err)> RunProcessAsync(string file, string[] args, string dir)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }
}
