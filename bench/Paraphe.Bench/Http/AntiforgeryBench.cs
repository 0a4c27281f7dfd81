using System.Diagnostics;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paraphe.Web.Features.Sessions;
using Paraphe.Web.Pages.Sign;

namespace Paraphe.Bench.Http;

/// <summary>
/// `--scenario antiforgery` (issue 12, page7): what the signing page's antiforgery token costs per call, in one thread,
/// blocks interleaved round by round. Data Protection's protect and unprotect of a payload the size of antiforgery's
/// tokens, with the default algorithms (AES-256-CBC + HMACSHA256) and with AES-256-GCM; antiforgery's
/// <c>GetAndStoreTokens</c> for a first visit (no cookie: a new cookie and a request token, two protects) and for a
/// return visit (its cookie: one unprotect, one protect); and the page's <see cref="SignerFormTokens"/> for a return
/// visit whose cookie's token is kept. CPU µs and bytes per call are the process's (compare rows of one run).
/// </summary>
public static class AntiforgeryBench
{
    public const string Flag = "antiforgery";

    public static async Task<int> RunAsync(int iterations = 20_000, int rounds = 6)
    {
        var directory = Directory.CreateTempSubdirectory("paraphe-antiforgery-").FullName;
        try
        {
            using var cbc = Services(Path.Combine(directory, "cbc"), gcm: false);
            using var gcm = Services(Path.Combine(directory, "gcm"), gcm: true);
            var payload = new byte[18]; // a cookie token's plain bytes: version, 128-bit security token, flag
            Random.Shared.NextBytes(payload);
            var rows = new List<(string Name, Action Call)>();
            foreach (var (label, services) in new[] { ("AES-256-CBC + HMACSHA256 (default)", cbc), ("AES-256-GCM", gcm) })
            {
                var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Microsoft.AspNetCore.Antiforgery.AntiforgeryToken.v1");
                var protectedPayload = protector.Protect(payload);
                rows.Add(($"Data Protection protect, {label}", () => protector.Protect(payload)));
                rows.Add(($"Data Protection unprotect, {label}", () => protector.Unprotect(protectedPayload)));
            }
            foreach (var (label, services) in new[] { ("default algorithms", cbc), ("AES-256-GCM", gcm) })
            {
                var antiforgery = services.GetRequiredService<IAntiforgery>();
                var cookieName = services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.Name!;
                var cookie = antiforgery.GetAndStoreTokens(Context(services, null, null)).CookieToken!;
                rows.Add(($"antiforgery GetAndStoreTokens, first visit (no cookie), {label}", () => antiforgery.GetAndStoreTokens(Context(services, null, null))));
                rows.Add(($"antiforgery GetAndStoreTokens, return visit (its cookie), {label}", () => antiforgery.GetAndStoreTokens(Context(services, cookieName, cookie))));
                var formTokens = services.GetRequiredService<SignerFormTokens>();
                formTokens.RequestToken(Context(services, cookieName, cookie)); // kept
                rows.Add(($"SignerFormTokens, return visit (its cookie's token kept), {label}", () => formTokens.RequestToken(Context(services, cookieName, cookie))));
                rows.Add(($"SignerFormTokens, first visit (no cookie: antiforgery's pair, the token kept), {label}", () => formTokens.RequestToken(Context(services, null, null))));
            }
            rows.AddRange(FirstVisitParts(gcm));
            var cpu = new double[rows.Count];
            var bytes = new long[rows.Count];
            for (var round = -1; round < rounds; round++) // round -1: warm-up
                for (var i = 0; i < rows.Count; i++)
                {
                    var process = Process.GetCurrentProcess();
                    var cpu0 = process.TotalProcessorTime;
                    var bytes0 = GC.GetTotalAllocatedBytes(precise: true);
                    for (var n = 0; n < iterations; n++) rows[i].Call();
                    process.Refresh();
                    if (round < 0) continue;
                    cpu[i] += (process.TotalProcessorTime - cpu0).TotalMicroseconds;
                    bytes[i] += GC.GetTotalAllocatedBytes(precise: true) - bytes0;
                }
            Console.WriteLine($"Antiforgery and Data Protection per call ({rounds} rounds × {iterations:N0} calls, one thread, blocks interleaved; " +
                              $"CPU = the whole process; .NET {Environment.Version}):");
            Console.WriteLine();
            Console.WriteLine("| call | CPU µs/call | bytes/call |");
            Console.WriteLine("|---|---:|---:|");
            for (var i = 0; i < rows.Count; i++)
                Console.WriteLine($"| {rows[i].Name} | {cpu[i] / rounds / iterations:F2} | {bytes[i] / rounds / iterations:N0} |");
            await Task.CompletedTask;
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Issue 12 (page8): a first visit's parts apart. The <c>Set-Cookie</c> header antiforgery appends (its options, a
    /// cookie value of a real cookie's length) and keeping a token for a cookie never seen, 50,000 distinct cookies in
    /// turn so that the store is always full, as under the HTTP bench's thousands of first visits a second: page7's
    /// size-limited <c>MemoryCache</c> (its compactions run on the thread pool, counted in the process's CPU) against
    /// page8's <see cref="FormTokenTable"/>.
    /// </summary>
    private static IEnumerable<(string Name, Action Call)> FirstVisitParts(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value;
        var first = services.GetRequiredService<IAntiforgery>().GetAndStoreTokens(Context(services, null, null));
        var cookie = first.CookieToken!;
        var token = first.RequestToken!;
        yield return ("the Set-Cookie header of a new antiforgery cookie (Response.Cookies.Append)", () =>
        {
            var http = new DefaultHttpContext();
            http.Response.Cookies.Append(options.Cookie.Name!, cookie, options.Cookie.Build(http));
        });
        yield return ("a DefaultHttpContext alone (in every row above that builds one)", () => _ = new DefaultHttpContext().Response);
        var cookies = Enumerable.Range(0, 50_000).Select(i => $"{cookie[..^8]}{i:D8}").ToArray();
        var (inCache, inTable) = (0, 0);
        var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = SignerFormTokens.Capacity, CompactionPercentage = 0.2 });
        yield return ("a token kept for a new cookie, page7's MemoryCache (10,000, full)", () =>
            cache.Set(cookies[inCache++ % cookies.Length], token, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = SignerFormTokens.Lifetime }));
        var table = new FormTokenTable(SignerFormTokens.Capacity, SignerFormTokens.Lifetime, TimeProvider.System);
        yield return ("a token kept for a new cookie, page8's FormTokenTable (10,000, full)", () => table.Set(cookies[inTable++ % cookies.Length], token));
        yield return ("a lookup of the cookie kept last, page7's MemoryCache", () => cache.TryGetValue(cookies[(inCache - 1) % cookies.Length], out _));
        yield return ("a lookup of the cookie kept last, page8's FormTokenTable", () => table.TryGet(cookies[(inTable - 1) % cookies.Length], out _));
    }

    /// <summary>Data Protection as the app sets it up (its application name; keys in a directory here), and antiforgery.</summary>
    private static ServiceProvider Services(string keys, bool gcm)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var dataProtection = services.AddDataProtection().SetApplicationName(SessionsSetup.ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(keys));
        if (gcm)
            dataProtection.UseParapheAlgorithms(); // AES-256-GCM, as the app since page7
        services.AddAntiforgery();
        services.AddSingleton<SignerFormTokens>();
        return services.BuildServiceProvider();
    }

    private static DefaultHttpContext Context(IServiceProvider services, string? cookieName, string? cookie)
    {
        var http = new DefaultHttpContext { RequestServices = services };
        if (cookie is not null) http.Request.Headers.Cookie = $"{cookieName}={cookie}";
        return http;
    }
}
