using System.Diagnostics;

namespace Paraphe.Testing;

/// <summary>
/// Runs poppler's pdfsig with a throw-away NSS database that trusts one CA. pdfsig exits 0 even for an invalid
/// signature, so callers assert on its text. Missing tools fail the test (scripts/test.sh installs them).
/// </summary>
public static class Pdfsig
{
    public static async Task<string> VerifyAsync(string pdfPath, string caPemPath)
    {
        var nss = Directory.CreateTempSubdirectory("paraphe-nss-").FullName;
        try
        {
            await RunAsync("certutil", "-N", "-d", "sql:" + nss, "--empty-password");
            await RunAsync("certutil", "-A", "-d", "sql:" + nss, "-n", "paraphe-dev-ca", "-t", "CT,C,C", "-a", "-i", caPemPath);
            return await RunAsync("pdfsig", "-nssdir", "sql:" + nss, pdfPath);
        }
        finally
        {
            Directory.Delete(nss, recursive: true);
        }
    }

    private static async Task<string> RunAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"'{tool}' is not installed ({e.Message}): install poppler-utils and libnss3-tools (scripts/test.sh does, as root).", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            var text = await stdout + await stderr;
            if (tool == "certutil" && process.ExitCode != 0)
                throw new InvalidOperationException($"certutil {string.Join(' ', args)} failed ({process.ExitCode}): {text}");
            return text;
        }
    }
}
