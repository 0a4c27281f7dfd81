using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Features.Webhooks;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Webhooks;

/// <summary>
/// What a hostile or careless integrator tries with webhooks, beyond the address guard: the anonymous `/metrics` must
/// not name the hosts agencies deliver to (a tenant's CRM, and one series per host an attacker invents), nor the database's.
/// </summary>
public abstract class WebhookHostileUse(ParapheApp app) : IAsyncLifetime
{
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        WebhookApp.CatchUp(app);
    }

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task AnAgencyHasAtMostTwentyEndpoints()
    {
        var (_, api) = await app.CreateAgencyAsync($"Agence Flot {Guid.NewGuid():N}"[..19]);
        for (var i = 0; i < CreateWebhook.MaxPerAgency; i++)
            await Expect.JsonAsync(await api.PostAsync("/api/v1/webhooks",
                new { url = $"{receiver.BaseUrl}/hooks/flood/{i}", events = new[] { "procedure.launched" } }), HttpStatusCode.Created);

        var problem = await Expect.ProblemAsync(await api.PostAsync("/api/v1/webhooks",
            new { url = $"{receiver.BaseUrl}/hooks/flood/one-more", events = new[] { "procedure.launched" } }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["url"], Expect.ErrorKeys(problem));
        var listed = await Expect.JsonAsync(await api.GetAsync("/api/v1/webhooks"), HttpStatusCode.OK);
        Assert.Equal(CreateWebhook.MaxPerAgency, listed.GetArrayLength());
    }

    [Fact]
    public async Task AnAgentIsRefusedTheWebhooksPageAndItsForms()
    {
        var agency = await Agencies.TestAgency.CreateAsync(app);
        var mine = await Expect.JsonAsync(await agency.Api.PostAsync("/api/v1/webhooks",
            new { url = $"{receiver.BaseUrl}/hooks/director", events = new[] { "procedure.launched" } }), HttpStatusCode.Created);
        var (_, agent) = await agency.SignedInUserAsync(app, "agent", ip: "203.0.113.61");

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/parametres/webhooks")).StatusCode);
        var create = await agent.PostFormAsync("/procedures", "/parametres/webhooks?handler=Create",
            new() { ["Url"] = $"{receiver.BaseUrl}/hooks/agent", ["Events"] = "procedure.launched" });
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        var rotate = await agent.PostFormAsync("/procedures", $"/parametres/webhooks?handler=Rotate&id={mine.Str("id")}", new());
        Assert.Equal(HttpStatusCode.Forbidden, rotate.StatusCode);
        Assert.DoesNotContain("whsec_", await rotate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var delete = await agent.PostFormAsync("/procedures", $"/parametres/webhooks?handler=Delete&id={mine.Str("id")}", new());
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);

        var listed = await Expect.JsonAsync(await agency.Api.GetAsync("/api/v1/webhooks"), HttpStatusCode.OK);
        var only = Assert.Single(listed.EnumerateArray());
        Assert.Equal(mine.Str("id"), only.Str("id"));
        Assert.True(only.IsNull("rotation_ends_at"), "the agent's rotation must not have happened");
    }

    [Fact]
    public async Task AnEndpointDeletedDuringAnAttemptEndsItsDeliveryWithoutAnError()
    {
        var logs = new Abuse.CapturingLoggerProvider();
        app.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().AddProvider(logs);
        var (_, api) = await app.CreateAgencyAsync($"Agence Effacée {Guid.NewGuid():N}"[..22]);
        var (hangingId, hanging, _) = await Hooks.CreateAsync(api, receiver, "procedure.launched");
        receiver.Answer = path => path == hanging ? WebhookReceiver.Hang : 204;
        await api.LaunchedAsync("remote", signers: 1);
        await Hooks.WaitAsync(receiver, hanging, got => got.Length > 0, "the attempt that hangs");
        var deliveryId = (await Hooks.DeliveriesAsync(api, hangingId)).Single().Str("id");

        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/webhooks/{hangingId}")).StatusCode);
        // The worker takes its next batch once this one (the hanging attempt included) is over.
        var (_, next, _) = await Hooks.CreateAsync(api, receiver, "procedure.launched");
        await api.LaunchedAsync("remote", signers: 1);
        await Hooks.WaitAsync(receiver, next, got => got.Length > 0, "the next endpoint's event, sent after the hanging attempt's batch");

        Assert.DoesNotContain(logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error
                                                 && string.Join(" ", e.Everything).Contains(deliveryId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheMetricsNeverNameTheHostAnAgencyDeliversTo()
    {
        const string host = "crm-agence-secrete.test";
        using var crm = Hooks.ResolveToLoopback(app, host);
        var api = app.Api();
        var created = await Expect.JsonAsync(await api.PostAsync("/api/v1/webhooks",
            new { url = $"http://{host}:{receiver.Port}/hooks/secret", events = new[] { "procedure.launched" } }), HttpStatusCode.Created);
        await api.LaunchedAsync("remote", signers: 1);
        await Hooks.WaitForDeliveryAsync(api, created.Str("id"), d => d.Str("status") == "delivered", "delivered");

        using var client = app.CreateClient();
        var metrics = await client.GetStringAsync("/metrics");
        Assert.DoesNotContain("crm-agence-secrete", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("Username=", metrics, StringComparison.OrdinalIgnoreCase); // the database's pool, named after its connection string
        if (app.DatabaseName == "postgres") Assert.Contains("db_client_operation_duration_seconds_count{", metrics, StringComparison.Ordinal);
        Assert.Contains("http_client_request_duration_seconds_count{", metrics, StringComparison.Ordinal);
    }
}

[Collection(WebhookCollections.Sqlite)]
public sealed class WebhookHostileUseOnSqlite(WebhookSqliteApp app) : WebhookHostileUse(app);

[Collection(WebhookCollections.Postgres)]
public sealed class WebhookHostileUseOnPostgres(WebhookPostgresApp app) : WebhookHostileUse(app);

/// <summary>A local address spelled oddly (a trailing dot, short, hex or octal IPv4, mapped IPv6, a zone) is refused when saved, like its plain spelling.</summary>
public abstract class WebhookUrlSpellings(ParapheApp app)
{
    /// <summary>The operator has not allowed private addresses (the shared app), whatever spelling the address takes.</summary>
    [Theory]
    [InlineData("http://localhost./hooks")]
    [InlineData("http://admin.localhost./hooks")]
    [InlineData("http://127.0.0.1./hooks")]
    [InlineData("http://127.1/hooks")]
    [InlineData("http://0x7f.0.0.1/hooks")]
    [InlineData("http://0177.0.0.1/hooks")]
    [InlineData("http://[::ffff:7f00:1]/hooks")]
    [InlineData("http://[fe80::1%25eth0]/hooks")]
    public async Task AnOddlySpelledLocalAddressIsRefusedWhenSaved(string url)
    {
        var (_, api) = await app.CreateAgencyAsync($"Agence Graphie {Guid.NewGuid():N}"[..22]);
        var problem = await Expect.ProblemAsync(await api.PostAsync("/api/v1/webhooks", new { url, events = new[] { "procedure.sealed" } }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["url"], Expect.ErrorKeys(problem));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class WebhookUrlSpellingsOnSqlite(SqliteApp app) : WebhookUrlSpellings(app);

[Collection(PostgresCollection.Name)]
public sealed class WebhookUrlSpellingsOnPostgres(PostgresApp app) : WebhookUrlSpellings(app);
