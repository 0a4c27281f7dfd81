using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Paraphe.Testing;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Email;

/// <summary>
/// The app sending email through Brevo's API — a <see cref="BrevoEmailSimulator"/> on loopback — whose webhooks come
/// back to the app's `/callbacks/email/brevo`. One per test class, on SQLite or PostgreSQL.
/// </summary>
public abstract class BrevoApp : ParapheApp
{
    public const string From = "signature@paraphe.example";
    public const string WebhookSecret = "brevo-webhook-secret-for-tests";
    /// <summary>Short, so that the test of a Brevo that never answers takes seconds; long enough for a busy machine.</summary>
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(3);

    protected BrevoApp()
    {
        Brevo = BrevoEmailSimulator.StartAsync(Clock).GetAwaiter().GetResult();
        Brevo.WebhookSecret = WebhookSecret;
        Brevo.ConnectWebhooks(() => CreateClient());
    }

    public BrevoEmailSimulator Brevo { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Paraphe:Email:Provider", "brevo");
        builder.UseSetting("Paraphe:Email:From", From);
        builder.UseSetting("Paraphe:Email:Brevo:ApiKey", BrevoEmailSimulator.ValidApiKey);
        builder.UseSetting("Paraphe:Email:Brevo:BaseUrl", Brevo.BaseUrl);
        builder.UseSetting("Paraphe:Email:Brevo:WebhookSecret", WebhookSecret);
        builder.UseSetting("Paraphe:Email:Brevo:Timeout", SendTimeout.ToString());
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

    /// <summary>A procedure launched for a fresh address, the email Brevo received, once its notification is `sent`.</summary>
    public async Task<(string ProcedureId, BrevoEmailSimulator.Email Email)> SentAsync(string prefix = "")
    {
        var to = prefix + Infrastructure.Api.UniqueEmail("Jeanne", "Durand");
        var procedureId = await LaunchForAsync(to);
        var email = await Brevo.WaitForAsync(to);
        await WaitForInvitationAsync(procedureId, n => n.Str("status") == "sent");
        return (procedureId, email);
    }

    /// <summary>The procedure's email invitation once <paramref name="done"/> holds, and its signer.</summary>
    public Task<(JsonElement Notification, JsonElement Signer)> WaitForInvitationAsync(string procedureId, Func<JsonElement, bool> done) =>
        Api().WaitForInvitationAsync(procedureId, "email", done);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Brevo.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class BrevoSqliteApp : BrevoApp
{
    public override string DatabaseName => "sqlite";
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
}

public sealed class BrevoPostgresApp : BrevoApp
{
    public override string DatabaseName => "postgres";

    protected override async Task<string?> CreateDatabaseAsync()
    {
        var cluster = await PostgresCluster.SharedAsync();
        return await cluster.CreateUniqueDatabaseAsync("brevo");
    }
}
