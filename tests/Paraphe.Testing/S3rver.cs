using System.Diagnostics;
using System.Net.Sockets;

namespace Paraphe.Testing;

/// <summary>
/// A real S3-compatible server on loopback for the tests: s3rver 3.7.1 (npm, file-backed, path-style), installed in
/// `tests/s3/node_modules` by `scripts/test.sh` (`npm ci`) and started here on a free port with a temporary folder and
/// one bucket. It accepts the access key `S3RVER` / secret `S3RVER`. <see cref="StopAsync"/> takes it down (a store
/// outage); disposing stops it and deletes its folder.
/// </summary>
public sealed class S3rver : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    public const string Region = "us-east-1";

    private readonly string directory;
    private Process? process;

    private S3rver(string directory, int port, string bucket)
    {
        this.directory = directory;
        Port = port;
        Bucket = bucket;
    }

    public int Port { get; }
    public string Bucket { get; }
    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The settings that point Paraphe at this server (`Paraphe:Storage:*`).</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Paraphe:Storage:Provider"] = "s3",
        ["Paraphe:Storage:S3:ServiceUrl"] = ServiceUrl,
        ["Paraphe:Storage:S3:Bucket"] = Bucket,
        ["Paraphe:Storage:S3:Region"] = Region,
        ["Paraphe:Storage:S3:AccessKey"] = AccessKey,
        ["Paraphe:Storage:S3:SecretKey"] = SecretKey,
        ["Paraphe:Storage:S3:ForcePathStyle"] = "true",
        ["Paraphe:Storage:S3:Timeout"] = "00:00:15",
    };

    /// <summary>The folder where s3rver keeps the bucket's objects (`{bucket}/{key}._S3rver_object`).</summary>
    public string Directory => directory;

    public static async Task<S3rver> StartAsync(string bucket = "paraphe-documents")
    {
        var script = Script();
        for (var attempt = 1; ; attempt++)
        {
            var server = new S3rver(System.IO.Directory.CreateTempSubdirectory("paraphe-s3rver-").FullName, FreeTcpPort.Next(), bucket);
            try
            {
                await server.StartProcessAsync(script);
                return server;
            }
            catch (Exception) when (attempt < 3)
            {
                await server.DisposeAsync(); // the port was taken meanwhile: another one
            }
        }
    }

    private async Task StartProcessAsync(string script)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in new[] { script, "--directory", directory, "--address", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--silent", "--no-vhost-buckets", "--configure-bucket", Bucket })
            info.ArgumentList.Add(arg);
        var output = new System.Text.StringBuilder();
        process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"s3rver exited with code {process.ExitCode}: {output}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Starts it again after <see cref="StopAsync"/>, on the same port and folder (the objects are still there).</summary>
    public Task RestartAsync() => process is null ? StartProcessAsync(Script()) : Task.CompletedTask;

    /// <summary>Stops the server (its folder stays): every call to it now fails to connect.</summary>
    public async Task StopAsync()
    {
        if (process is null) return;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { System.IO.Directory.Delete(directory, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>`tests/s3/node_modules/s3rver/bin/s3rver.js`, found from the test's folder upwards.</summary>
    public static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "s3", "node_modules", "s3rver", "bin", "s3rver.js");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            "s3rver is not installed: run `npm ci` in tests/s3 (scripts/test.sh does it), Node.js 18 or later is needed.");
    }
}
