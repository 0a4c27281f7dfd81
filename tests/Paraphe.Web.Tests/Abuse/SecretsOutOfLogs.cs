using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paraphe.Testing;
using Paraphe.Web.Platform;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 11: signing tokens and download keys never reach a log — not in a message, a structured value, an
/// exception or a scope — with every category at Trace, through a whole signing flow (open, code, sign, decline), a
/// download, refusals and an unhandled error.
/// </summary>
public abstract class SecretsOutOfLogs(LoggedApp app)
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task NoTokenNorDownloadKeyIsLoggedAtAnyLevel()
    {
        var secrets = new List<string>();

        // A remote procedure with a code by SMS: the first signer opens, asks a code, signs; the second declines.
        var document = await api.UploadPdfAsync();
        var contacts = new[] { await api.CreateContactAsync("Jeanne", "Durand"), await api.CreateContactAsync("Marc", "Lefèvre") };
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", otp = true,
            signers = contacts.Select((c, i) => new { contact_id = c.Str("id"), role = i == 0 ? "vendeur" : "acquéreur" }).ToArray(),
        }), HttpStatusCode.Created);
        var id = draft.Str("id");
        await api.LaunchAsync(id);
        var signing = await api.SigningTokenAsync(contacts[0].Str("email"));
        var declining = await api.SigningTokenAsync(contacts[1].Str("email"));
        secrets.AddRange([signing, declining]);

        var anonymous = app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/sign/{signing}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/SIGN/{signing}")).StatusCode); // routes ignore case
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/v1/signing/{signing}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/v1/signing/{signing}/document")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsync($"/api/v1/signing/{signing}/otp", null)).StatusCode);
        var code = await api.NewestCodeAsync(id);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsync($"/api/v1/signing/{signing}/sign",
            new StringContent("{\"consent\":", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync($"/api/v1/signing/{signing}/sign",
            new { consent = true, typed_name = "Jeanne Durand", otp = code })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync($"/api/v1/signing/{declining}/decline",
            new { reason = "Le prix a changé." })).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await anonymous.GetAsync($"/api/v1/signing/{declining}")).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await anonymous.GetAsync($"/sign/{declining}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/signing/{signing}x")).StatusCode);

        // An unhandled error on a signing route: logged by the exception handler, with the path.
        var failing = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/signing/{signing}/document");
        failing.Headers.Add(FailingDatabase.Header, "1");
        Assert.Equal(HttpStatusCode.InternalServerError, (await anonymous.SendAsync(failing)).StatusCode);

        // A completed procedure's download link, good and bad.
        var (completed, signers) = await api.CompletedInPersonAsync();
        await api.WaitForSealedAsync(completed);
        var mail = (await api.WaitForOutboxAsync(signers[0].Str("email")))[0]; // face to face: the completion mail is the first
        var link = new Uri(mail.Arr("links").Select(l => l.GetString()!).Single(l => l.Contains("/telechargement/", StringComparison.Ordinal)));
        var segments = link.AbsolutePath.Split('/');
        var (notification, key) = (segments[^2], segments[^1]);
        secrets.Add(key);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(link.AbsolutePath)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/telechargement/{notification}/{key[..^2]}AA")).StatusCode);
        secrets.Add(key[..^2]);

        var entries = app.Logs.Entries.ToList();
        // The capture is live and at Trace (else the test proves nothing), and requests are logged, redacted.
        Assert.Contains(entries, e => e.Level == LogLevel.Trace);
        Assert.Contains(entries, e => e.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) && e.Level <= LogLevel.Debug);
        Assert.Contains(entries, e => e.Message.Contains($"/sign/{LogRedaction.Redacted}", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Message.Contains($"POST /api/v1/signing/{LogRedaction.Redacted}/sign responded 200", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Message.Contains($"/telechargement/{notification}/{LogRedaction.Redacted} responded 200", StringComparison.Ordinal));
        Assert.Contains(entries, e => e is { Level: LogLevel.Error } && e.Message.Contains($"Unhandled error on /api/v1/signing/{LogRedaction.Redacted}/document", StringComparison.Ordinal));

        foreach (var secret in secrets)
        {
            var leaks = entries.Where(e => e.Everything.Any(text => text.Contains(secret, StringComparison.OrdinalIgnoreCase))).ToList();
            Assert.True(leaks.Count == 0, $"A secret ({secret[..6]}…) was logged {leaks.Count} time(s), first by {leaks.FirstOrDefault()?.Category}: "
                                          + leaks.FirstOrDefault()?.Message);
        }
        Assert.DoesNotContain(entries, e => e.Category.StartsWith("Microsoft.AspNetCore.Hosting.Diagnostics", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Category.StartsWith("Microsoft.AspNetCore.Routing", StringComparison.Ordinal) && e.Level < LogLevel.Warning);
    }

    [Theory]
    [InlineData("/sign/AbC-d_9", "/sign/[redacted]")]
    [InlineData("/SIGN/AbC-d_9/", "/SIGN/[redacted]/")]
    [InlineData("/api/v1/signing/AbC/otp", "/api/v1/signing/[redacted]/otp")]
    [InlineData("/telechargement/ntf_01/KeY-1", "/telechargement/ntf_01/[redacted]")]
    [InlineData("/Telechargement/ntf_01/KeY-1/x", "/Telechargement/ntf_01/[redacted]/x")]
    [InlineData("/procedures/prc_01/face-a-face", "/procedures/prc_01/face-a-face")]
    [InlineData("/api/v1/procedures", "/api/v1/procedures")]
    [InlineData("", "/")]
    public void PathsLoseTheirSecretSegmentsOnly(string path, string logged) => Assert.Equal(logged, LogRedaction.Path(path));
}

/// <summary>The app with a capturing logger at Trace for every category, and a database that fails on request.</summary>
public abstract class LoggedApp : ParapheApp
{
    public CapturingLoggerProvider Logs { get; } = new();

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Logging:LogLevel:Default", "Trace");
        builder.UseSetting("Logging:LogLevel:Microsoft", "Trace");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Trace");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Trace");
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs).AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace));
        builder.ConfigureTestServices(s => s.AddSingleton<IInterceptor, FailingDatabase>());
    }
}

/// <summary>Fails every database command of a request that carries <see cref="Header"/>: an unhandled error on demand.</summary>
public sealed class FailingDatabase(IHttpContextAccessor http) : DbCommandInterceptor
{
    public const string Header = "X-Test-Fail-Database";

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        http.HttpContext?.Request.Headers.ContainsKey(Header) == true
            ? throw new InvalidOperationException("Simulated database failure.")
            : base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
}

public sealed class LoggedSqliteApp : LoggedApp
{
    public override string DatabaseName => "sqlite";
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
}

public sealed class LoggedPostgresApp : LoggedApp
{
    public override string DatabaseName => "postgres";

    protected override async Task<string?> CreateDatabaseAsync() =>
        await (await PostgresCluster.SharedAsync()).CreateUniqueDatabaseAsync("logs");
}

public sealed class SecretsOutOfLogsOnSqlite(LoggedSqliteApp app) : SecretsOutOfLogs(app), IClassFixture<LoggedSqliteApp>;

public sealed class SecretsOutOfLogsOnPostgres(LoggedPostgresApp app) : SecretsOutOfLogs(app), IClassFixture<LoggedPostgresApp>;
