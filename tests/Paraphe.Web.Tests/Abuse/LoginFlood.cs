using Microsoft.EntityFrameworkCore;
using Paraphe.Data.Records;
using Paraphe.Web.Features.Sessions;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, points 5 and 9 together: a login refused by the throttle changes nothing, so a flood of them — one address
/// trying email after email — cannot flood the security journal; each refused account and address is journalled once a
/// minute.
/// </summary>
public abstract class LoginFlood(ParapheApp app)
{
    [Fact]
    public async Task AnAddressFloodingTheLoginWithNewEmailsIsJournalledOnceAMinute()
    {
        var ip = $"198.51.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";
        var browser = new AgentBrowser(app, ip);
        string NewEmail() => $"inconnu.{Guid.NewGuid():N}@agence-test.fr";
        // Twenty failures throttle the address (Paraphe:Login:MaxFailuresPerAddress), whatever the emails.
        for (var i = 0; i < 20; i++)
            Assert.Contains("Email ou mot de passe incorrect.", await (await browser.LogInAsync(NewEmail(), "x")).Content.ReadAsStringAsync(),
                StringComparison.Ordinal);

        for (var i = 0; i < 50; i++)
            Assert.Contains("Trop de tentatives de connexion", await (await browser.LogInAsync(NewEmail(), "x")).Content.ReadAsStringAsync(),
                StringComparison.Ordinal);
        Assert.Equal((20, 1), await CountsAsync(ip));

        app.Clock.Advance(LogIn.ThrottledJournalInterval + TimeSpan.FromSeconds(1));
        Assert.Contains("Trop de tentatives de connexion", await (await browser.LogInAsync(NewEmail(), "x")).Content.ReadAsStringAsync(),
            StringComparison.Ordinal);
        Assert.Equal((20, 2), await CountsAsync(ip));
    }

    [Fact]
    public async Task AnIpv6ClientSpreadingGuessesOverItsSubnetIsThrottledAsOneClient()
    {
        var prefix = $"2001:db8:{Random.Shared.Next(0, 0xffff):x}:{Random.Shared.Next(0, 0xffff):x}";
        string NewEmail() => $"inconnu.{Guid.NewGuid():N}@agence-test.fr";
        async Task<string> TryAsync(string ip) =>
            await (await new AgentBrowser(app, ip).LogInAsync(NewEmail(), "x")).Content.ReadAsStringAsync();

        // Twenty failures, each from another address of one /64: one client for Paraphe:Login:MaxFailuresPerAddress.
        for (var i = 1; i <= 20; i++)
            Assert.Contains("Email ou mot de passe incorrect.", await TryAsync($"{prefix}::{i:x}"), StringComparison.Ordinal);

        Assert.Contains("Trop de tentatives de connexion", await TryAsync($"{prefix}:abcd:ef01:2345:6789"), StringComparison.Ordinal);
        Assert.Contains("Email ou mot de passe incorrect.", await TryAsync($"2001:db8:ffff:{Random.Shared.Next(0, 0xffff):x}::1"),
            StringComparison.Ordinal);
    }

    private Task<(int Failed, int Throttled)> CountsAsync(string ip) => app.DbAsync(async db =>
    {
        var kinds = await db.SecurityEvents.AsNoTracking().Where(e => e.Ip == ip).Select(e => e.Kind).ToListAsync();
        return (kinds.Count(k => k == SecurityEventKinds.LoginFailed), kinds.Count(k => k == SecurityEventKinds.LoginThrottled));
    });
}

[Collection(SqliteCollection.Name)]
public sealed class LoginFloodOnSqlite(SqliteApp app) : LoginFlood(app);

[Collection(PostgresCollection.Name)]
public sealed class LoginFloodOnPostgres(PostgresApp app) : LoginFlood(app);
