using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Email;

/// <summary>
/// The app on SQLite sending email over SMTP to a <see cref="TestSmtpServer"/> on loopback, with its bounce
/// listener on a port of its own. One per test class.
/// </summary>
public class SmtpApp : ParapheApp
{
    public const string From = "signature@paraphe.example";
    public const string BounceAddress = "bounces@paraphe.example";

    public SmtpApp() : this(startTls: false) { }

    protected SmtpApp(bool startTls)
    {
        StartTls = startTls;
        Smtp = TestSmtpServer.Start(startTls ? TestSmtpServer.SelfSignedCertificate() : null);
    }

    public bool StartTls { get; }
    public TestSmtpServer Smtp { get; }
    public int BouncePort { get; } = FreeTcpPort.Next();

    public override string DatabaseName => "sqlite";
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Paraphe:Email:Provider", "smtp");
        builder.UseSetting("Paraphe:Email:From", From);
        builder.UseSetting("Paraphe:Email:Smtp:Host", "127.0.0.1");
        builder.UseSetting("Paraphe:Email:Smtp:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Paraphe:Email:Smtp:Security", StartTls ? "starttls" : "none");
        builder.UseSetting("Paraphe:Email:Smtp:AcceptAnyCertificate", StartTls ? "true" : "false");
        builder.UseSetting("Paraphe:Email:BounceAddress", BounceAddress);
        builder.UseSetting("Paraphe:Email:BounceListener:Port", BouncePort.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A remote procedure launched for one new contact with <paramref name="email"/>; returns its id.</summary>
    public async Task<string> LaunchForAsync(string email)
    {
        var api = Api();
        var contact = await api.CreateContactAsync(email: email);
        var document = await api.UploadPdfAsync();
        var draft = await api.CreateProcedureAsync(document.Str("id"), "remote", contact.Str("id"));
        return (await api.LaunchAsync(draft.Str("id"))).Str("id");
    }

    /// <summary>The procedure's email invitation once <paramref name="done"/> holds, and its signer.</summary>
    public Task<(JsonElement Notification, JsonElement Signer)> WaitForInvitationAsync(string procedureId, Func<JsonElement, bool> done) =>
        Api().WaitForInvitationAsync(procedureId, "email", done);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class StartTlsSmtpApp() : SmtpApp(startTls: true);

public static class EmailJson
{
    public static string[] Codes(this JsonElement signer) => signer.Arr("diagnosis").Select(d => d.Str("code")).ToArray();

    public static string[] EventDetails(this JsonElement notification) =>
        notification.Arr("events").Select(e => e.StrOrNull("detail") ?? "").ToArray();

}
