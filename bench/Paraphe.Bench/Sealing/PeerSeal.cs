using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Paraphe.Bench.Sealing;

/// <summary>One input sealed by the peer: warm median over its iterations, in one Node.js process.</summary>
public sealed record PeerResult(string Input, long Bytes, int Iterations, double MedianMs, double MinMs, double P90Ms,
    double PlaceholderMs, double SignMs, long OutputBytes, long RssExtraBytes, double CpuMs);

/// <summary>
/// The Documenso-style peer (issue 12): `bench/peers/pdf-sign/seal.mjs` — pdf-lib 1.17.1 adds the signature
/// placeholder, `@documenso/pdf-sign` 0.1.0 (native, Rust, napi) signs — run by Node.js on the same three inputs, with
/// the same development seal certificate and key (RSA-3072) exported as PEM. `npm ci` runs first when its
/// node_modules is missing. Seals the file alone: no stamp, no evidence page.
/// </summary>
public static class PeerSeal
{
    public static string Directory()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "peers", "pdf-sign");
            if (File.Exists(Path.Combine(candidate, "seal.mjs"))) return candidate;
        }
        throw new InvalidOperationException("bench/peers/pdf-sign not found: run the benchmark from the repository root.");
    }

    public static List<PeerResult> Run(SealingFixture fixture, IReadOnlyList<string> inputs, int iterations, int warmup)
    {
        var dir = Directory();
        if (!System.IO.Directory.Exists(Path.Combine(dir, "node_modules", "@documenso", "pdf-sign")))
            // Not `npm ci`: the lock file cannot list @documenso/pdf-sign's optional native packages for other platforms
            // (darwin, win32, arm64), which this registry does not serve, and `npm ci` refuses a lock without them.
            // `npm install` takes the lock's pinned versions and skips the optional packages it cannot fetch.
            Exec("npm", ["install", "--no-audit", "--no-fund", "--no-save"], dir);

        var certPath = Path.Combine(SealingInputs.Directory, "peer-seal-cert.pem");
        var keyPath = Path.Combine(SealingInputs.Directory, "peer-seal-key.pem");
        File.WriteAllText(certPath, fixture.Certificates.Seal.ExportCertificatePem());
        using (var key = fixture.Certificates.Seal.GetRSAPrivateKey()!)
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());

        var args = new List<string> { "seal.mjs", "--cert", certPath, "--key", keyPath, "--iterations", $"{iterations}", "--warmup", $"{warmup}" };
        args.AddRange(inputs.Select(SealingInputs.PathOf));
        var json = Exec("node", args, dir);
        using var doc = JsonDocument.Parse(json);
        var files = doc.RootElement.GetProperty("files");
        return inputs.Select((input, i) =>
        {
            var f = files[i];
            return new PeerResult(input, f.GetProperty("bytes").GetInt64(), f.GetProperty("iterations").GetInt32(),
                f.GetProperty("median_ms").GetDouble(), f.GetProperty("min_ms").GetDouble(), f.GetProperty("p90_ms").GetDouble(),
                f.GetProperty("placeholder_ms").GetDouble(), f.GetProperty("sign_ms").GetDouble(),
                f.GetProperty("output_bytes").GetInt64(), f.GetProperty("rss_extra_bytes").GetInt64(),
                f.TryGetProperty("cpu_ms", out var cpu) ? cpu.GetDouble() : double.NaN);
        }).ToList();
    }

    private static string Exec(string file, IEnumerable<string> arguments, string directory)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {stderr.Result}");
        return stdout;
    }
}
