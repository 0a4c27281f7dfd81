using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// The app behind a declared proxy (10.0.0.5, and the network 10.1.0.0/16), HTTPS redirection on, 2 verifications a
/// minute. TestServer has no socket: each request says which address it comes from in <see cref="PeerHeader"/>, which a
/// startup filter turns into the connection's RemoteIpAddress before Paraphe's pipeline runs.
/// </summary>
public abstract class ProxiedApp : ParapheApp
{
    public const string PeerHeader = "X-Test-Peer";
    public const string Proxy = "10.0.0.5";
    public const string ProxyInNetwork = "10.1.2.3";

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Paraphe:ForwardedHeaders:KnownProxies:0", Proxy);
        builder.UseSetting("Paraphe:ForwardedHeaders:KnownNetworks:0", "10.1.0.0/16");
        builder.UseSetting("Paraphe:Https:Redirect", "true");
        builder.UseSetting("Paraphe:Verify:PerMinute", "2");
        builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, PeerAddress>());
    }

    /// <summary>A client whose requests come from <paramref name="peer"/>, forwarding for <paramref name="client"/>.</summary>
    public HttpClient From(string peer, string? client = null, string? proto = null, string scheme = "http")
    {
        var http = CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false, BaseAddress = new Uri($"{scheme}://paraphe.test"),
        });
        http.DefaultRequestHeaders.Add(PeerHeader, peer);
        if (client is not null) http.DefaultRequestHeaders.Add("X-Forwarded-For", client);
        if (proto is not null) http.DefaultRequestHeaders.Add("X-Forwarded-Proto", proto);
        return http;
    }

    /// <summary>The agency's own API calls reach Paraphe over HTTPS (plain HTTP is redirected here).</summary>
    protected ProxiedApp() => ClientOptions.BaseAddress = new Uri("https://localhost");

    private sealed class PeerAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (IPAddress.TryParse(http.Request.Headers[PeerHeader].ToString(), out var peer)) http.Connection.RemoteIpAddress = peer;
                return nextMiddleware(http);
            });
            next(app);
        };
    }
}

public sealed class ProxiedSqliteApp : ProxiedApp
{
    public override string DatabaseName => "sqlite";
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
}

public sealed class ProxiedPostgresApp : ProxiedApp
{
    public override string DatabaseName => "postgres";

    protected override async Task<string?> CreateDatabaseAsync() =>
        await (await PostgresCluster.SharedAsync()).CreateUniqueDatabaseAsync("proxied");
}
