using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Features.Webhooks;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Webhooks;

/// <summary>
/// Never a request to a private, loopback or link-local address when the operator has not allowed it (the default app):
/// literal addresses and `localhost` are refused when the endpoint is saved, with a 422 naming `url`; a name that
/// resolves to 127.0.0.1 passes the form but is refused at connect time, on the address actually resolved.
/// </summary>
public abstract class WebhookAddressGuarding(ParapheApp app)
{
    private const string RebindingName = "crm.rebinding.test";

    [Theory]
    [InlineData("http://127.0.0.1:8080/hooks")]
    [InlineData("http://[::1]/hooks")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://10.1.2.3/")]
    [InlineData("http://192.168.0.10/")]
    [InlineData("http://172.20.0.1/")]
    [InlineData("http://[::ffff:192.168.1.1]/")]
    [InlineData("http://[fd00::1]/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://224.0.0.1/")]
    [InlineData("http://2130706433/")]
    [InlineData("http://localhost:5000/")]
    [InlineData("http://admin.localhost/")]
    [InlineData("https://user:password@crm.example.com/")]
    [InlineData("ftp://crm.example.com/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://crm.example.com/#fragment")]
    [InlineData("/relative/path")]
    [InlineData("https://crm.example.com/\u202Eevil")]
    public async Task AHostileUrlIsRefusedWithAProblemNamingUrl(string url)
    {
        var problem = await Expect.ProblemAsync(await app.Api().PostAsync("/api/v1/webhooks", new { url, events = new[] { "procedure.sealed" } }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["url"], Expect.ErrorKeys(problem));
    }

    [Fact]
    public async Task AnOverlongUrlIsRefused()
    {
        var url = "https://crm.example.com/" + new string('a', 2000);
        var problem = await Expect.ProblemAsync(await app.Api().PostAsync("/api/v1/webhooks", new { url, events = new[] { "procedure.sealed" } }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["url"], Expect.ErrorKeys(problem));
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("2002:c0a8:0101::1", false)] // 6to4 of 192.168.1.1
    [InlineData("64:ff9b::7f00:1", false)] // NAT64 of 127.0.0.1
    [InlineData("93.184.215.14", true)]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c", true)]
    [InlineData("::ffff:93.184.215.14", true)]
    public void OnlyGloballyRoutableAddressesArePublic(string address, bool expected) =>
        Assert.Equal(expected, WebhookAddressGuard.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task ANameResolvingToLoopbackIsRefusedAtConnectTimeAndNothingIsSent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // The DNS of an attacker: a public-looking name that answers 127.0.0.1.
        using var rebinding = Hooks.ResolveToLoopback(app, RebindingName);
        var (_, api) = await app.CreateAgencyAsync($"Agence Rebond {Guid.NewGuid():N}"[..21]);
        var url = $"http://{RebindingName}:{receiver.Port}/hooks/rebinding";
        var created = await Expect.JsonAsync(await api.PostAsync("/api/v1/webhooks", new { url, events = new[] { "procedure.launched" } }),
            HttpStatusCode.Created); // a name: it can only be judged when connecting
        await api.LaunchedAsync("remote", signers: 1);
        var delivery = await Hooks.WaitForDeliveryAsync(api, created.Str("id"), d => !d.IsNull("last_attempt_at"), "attempted");
        Assert.Equal("pending", delivery.Str("status"));
        Assert.True(delivery.IsNull("status_code"));
        Assert.StartsWith("Adresse refusée", delivery.Str("error"), StringComparison.Ordinal);
        Assert.Empty(receiver.All);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class WebhookAddressGuardingOnSqlite(SqliteApp app) : WebhookAddressGuarding(app);

[Collection(PostgresCollection.Name)]
public sealed class WebhookAddressGuardingOnPostgres(PostgresApp app) : WebhookAddressGuarding(app);
