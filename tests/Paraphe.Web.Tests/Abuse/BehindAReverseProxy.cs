using System.Net;
using System.Net.Http.Json;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 7: forwarded headers are believed from the declared proxies only; the signer's address (not the
/// proxy's) goes into the audit trail — which the evidence page prints — and partitions the per-client limits; a
/// request that reached the proxy over HTTPS gets HSTS and Secure cookies, a plain one is redirected.
/// </summary>
public abstract class BehindAReverseProxy(ProxiedApp app)
{
    private static int next;

    /// <summary>A documentation address (RFC 5737) of its own for each use, so the rate limiter's windows never meet.</summary>
    private static string NewClient() => $"203.0.{113 + Interlocked.Increment(ref next) / 250}.{Interlocked.Increment(ref next) % 250 + 1}";

    private async Task<(string ProcedureId, string Token)> LaunchedAsync()
    {
        var api = app.Api();
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        return (procedure.Str("id"), await api.SigningTokenAsync(contacts[0].Str("email")));
    }

    private async Task<string[]> RecordedAddressesAsync(string procedureId, string type) =>
        (await app.Api().AuditAsync(procedureId)).Arr("events").Where(e => e.Str("type") == type)
            .Select(e => e.GetProperty("data").GetProperty("ip").GetString()!).ToArray();

    [Theory]
    [InlineData(ProxiedApp.Proxy)]
    [InlineData(ProxiedApp.ProxyInNetwork)]
    public async Task TheAuditTrailRecordsTheSignerForwardedByADeclaredProxy(string proxy)
    {
        var (id, token) = await LaunchedAsync();
        var signer = NewClient();
        var http = app.From(proxy, client: signer, proto: "https");

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/v1/signing/{token}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync($"/api/v1/signing/{token}/sign",
            new { consent = true, typed_name = "Jeanne Durand" })).StatusCode);

        Assert.Equal([signer], await RecordedAddressesAsync(id, "signer.link_opened"));
        Assert.Equal([signer], await RecordedAddressesAsync(id, "signer.signed"));
    }

    [Fact]
    public async Task ForwardedHeadersFromAnUndeclaredAddressAreIgnored()
    {
        var (id, token) = await LaunchedAsync();
        var http = app.From("192.0.2.77", client: "198.51.100.1", proto: "https", scheme: "https");

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/v1/signing/{token}")).StatusCode);

        Assert.Equal(["192.0.2.77"], await RecordedAddressesAsync(id, "signer.link_opened"));
    }

    /// <summary>A chain `client, spoofed-by-client` seen through the proxy: only the hop the proxy saw is believed.</summary>
    [Fact]
    public async Task AnAddressTheClientWroteItselfIsNotBelieved()
    {
        var (id, token) = await LaunchedAsync();
        var signer = NewClient();
        var http = app.From(ProxiedApp.Proxy, client: $"198.51.100.200, {signer}", proto: "https");

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/v1/signing/{token}")).StatusCode);

        Assert.Equal([signer], await RecordedAddressesAsync(id, "signer.link_opened"));
    }

    private static async Task<HttpStatusCode> VerifyAsync(HttpClient http)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(SamplePdfs.Valid(1)), "file", "contrat.pdf" } };
        return (await http.PostAsync("/api/v1/verify", form)).StatusCode;
    }

    [Fact]
    public async Task TheVerificationLimitCountsEachClientBehindTheProxyApart()
    {
        var first = app.From(ProxiedApp.Proxy, client: NewClient(), proto: "https");
        var second = app.From(ProxiedApp.Proxy, client: NewClient(), proto: "https");

        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(first));
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(first));
        Assert.Equal(HttpStatusCode.TooManyRequests, await VerifyAsync(first));
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(second));
    }

    [Fact]
    public async Task ClientsCannotDodgeTheLimitByWritingTheirOwnForwardedFor()
    {
        var peer = $"192.0.2.{Interlocked.Increment(ref next) % 250 + 1}";

        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, await VerifyAsync(app.From(peer, client: NewClient(), scheme: "https")));
        Assert.Equal(HttpStatusCode.TooManyRequests, await VerifyAsync(app.From(peer, client: NewClient(), scheme: "https")));
    }

    /// <summary>An IPv6 client owns a whole /64: each address in it is not a fresh budget (nor a fresh limiter in memory).</summary>
    [Fact]
    public async Task AnIpv6ClientCannotDodgeTheLimitWithAnotherAddressOfItsSubnet()
    {
        var subnet = $"2001:db8:{Interlocked.Increment(ref next):x}";
        HttpClient Client(string address) => app.From(ProxiedApp.Proxy, client: address, proto: "https");

        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(Client($"{subnet}:1::1")));
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(Client($"{subnet}:1::2")));
        Assert.Equal(HttpStatusCode.TooManyRequests, await VerifyAsync(Client($"{subnet}:1:abcd:1234:5678:9")));
        Assert.Equal(HttpStatusCode.TooManyRequests, await VerifyAsync(app.From($"{subnet}:1::77", scheme: "https")));
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(Client($"{subnet}:2::1"))); // the next /64 is another client
    }

    /// <summary>Over the limit, the body is not read: a form the body checks would refuse (a NUL in a field) gets the 429.</summary>
    [Fact]
    public async Task ARequestOverTheLimitIsRefusedBeforeItsBodyIsRead()
    {
        var http = app.From(ProxiedApp.Proxy, client: NewClient(), proto: "https");
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(http));
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(http));

        using var form = new MultipartFormDataContent
        {
            { new StringContent("a\0b"), "note" },
            { new ByteArrayContent(SamplePdfs.Valid(1)), "Upload", "contrat.pdf" },
        };
        var response = await http.PostAsync("/verifier", form);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
    }

    /// <summary>Only a verification counts against the verification budget, not a look at the page that offers it.</summary>
    [Fact]
    public async Task ReadingTheVerificationPageCostsNoVerification()
    {
        var http = app.From(ProxiedApp.Proxy, client: NewClient(), proto: "https");
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/verifier")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(http));
    }

    [Fact]
    public async Task HttpsAtTheProxyGetsHstsAndSecureCookies()
    {
        var response = await app.From(ProxiedApp.Proxy, client: NewClient(), proto: "https").GetAsync("/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task PlainHttpIsRedirectedToHttpsAndANonDeclaredProxyCannotClaimHttps()
    {
        var plain = await app.From(ProxiedApp.Proxy, client: NewClient(), proto: "http").GetAsync("/login");
        var spoofed = await app.From("192.0.2.78", client: NewClient(), proto: "https").GetAsync("/login");

        foreach (var response in new[] { plain, spoofed })
        {
            Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
            Assert.Equal("https://paraphe.test/login", response.Headers.Location?.ToString());
            Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        }
    }
}

public sealed class BehindAReverseProxyOnSqlite(ProxiedSqliteApp app) : BehindAReverseProxy(app), IClassFixture<ProxiedSqliteApp>;

public sealed class BehindAReverseProxyOnPostgres(ProxiedPostgresApp app) : BehindAReverseProxy(app), IClassFixture<ProxiedPostgresApp>;
