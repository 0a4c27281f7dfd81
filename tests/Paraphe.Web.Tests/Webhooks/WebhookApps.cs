using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Web.Features.Webhooks;
using Paraphe.Testing;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Webhooks;

/// <summary>
/// The app for the webhook suites: private addresses allowed (the receiver is on loopback), a short attempt timeout, a
/// quick poll; its own instance per suite so that its clock jumps disturb no one. The clock starts at the real time:
/// receivers check `webhook-timestamp` against their own clock (5 minutes), as the StandardWebhooks library does.
/// </summary>
public static class WebhookApp
{
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DisableAfter = TimeSpan.FromDays(4);

    public static void Configure(ParapheApp app, IWebHostBuilder builder)
    {
        builder.UseSetting("Paraphe:Webhooks:AllowPrivateAddresses", "true");
        builder.UseSetting("Paraphe:Webhooks:Timeout", AttemptTimeout.ToString());
        builder.UseSetting("Paraphe:Webhooks:PollInterval", "00:00:00.200");
        builder.UseSetting("Paraphe:Webhooks:DisableAfter", DisableAfter.ToString());
        CatchUp(app);
    }

    /// <summary>The app's clock to the real time (never backwards), so that a library verifies what is sent next.</summary>
    public static void CatchUp(ParapheApp app)
    {
        var now = DateTimeOffset.UtcNow;
        try
        {
            if (app.Clock.GetUtcNow() < now) app.Clock.SetUtcNow(now);
        }
        catch (ArgumentOutOfRangeException)
        {
            // Another test moved the shared clock past now between the look and the set: it is ahead, as wanted.
        }
    }
}

public sealed class WebhookSqliteApp : ParapheApp
{
    public override string DatabaseName => "sqlite";
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
    protected override void Configure(IWebHostBuilder builder) => WebhookApp.Configure(this, builder);
}

public sealed class WebhookPostgresApp : ParapheApp
{
    public override string DatabaseName => "postgres";

    protected override async Task<string?> CreateDatabaseAsync()
    {
        var cluster = await PostgresCluster.SharedAsync();
        return await cluster.CreateUniqueDatabaseAsync("webhooks");
    }

    protected override void Configure(IWebHostBuilder builder) => WebhookApp.Configure(this, builder);
}

/// <summary>What the webhook tests share: an endpoint on the receiver, waiting for what it receives and for the log.</summary>
internal static class Hooks
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);

    public static readonly string[] AllEvents =
    [
        "procedure.launched", "procedure.completed", "procedure.sealed", "procedure.cancelled", "procedure.declined", "procedure.expired",
        "signer.opened", "signer.signed", "signer.declined", "signer.unreachable",
    ];

    /// <summary>A new endpoint at a path of its own on the receiver; returns (id, path, secret).</summary>
    public static async Task<(string Id, string Path, string Secret)> CreateAsync(Api api, WebhookReceiver receiver, params string[] events)
    {
        var path = $"/hooks/{Guid.NewGuid():N}";
        var created = await Expect.JsonAsync(await api.PostAsync("/api/v1/webhooks",
            new { url = receiver.BaseUrl + path, events = events.Length == 0 ? AllEvents : events, description = "CRM de test" }), HttpStatusCode.Created);
        return (created.Str("id"), path, created.Str("secret"));
    }

    public static async Task<WebhookReceiver.Received[]> WaitAsync(WebhookReceiver receiver, string path, Func<WebhookReceiver.Received[], bool> done,
        string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var got = receiver.At(path).ToArray();
            if (done(got)) return got;
            if (watch.Elapsed > Bound)
                throw new Xunit.Sdk.XunitException($"After {Bound.TotalSeconds} s the receiver still lacked {what}; it had: " +
                                                   string.Join(", ", got.Select(r => $"{Type(r)} ({r.AnsweredStatus})")));
            await Task.Delay(50);
        }
    }

    public static Task<WebhookReceiver.Received> WaitForTypeAsync(WebhookReceiver receiver, string path, string type) =>
        WaitAsync(receiver, path, got => got.Any(r => Type(r) == type), type).ContinueWith(t => t.Result.First(r => Type(r) == type));

    public static string Type(WebhookReceiver.Received r) => JsonDocument.Parse(r.Body).RootElement.Str("type");

    public static JsonElement Data(WebhookReceiver.Received r) => JsonDocument.Parse(r.Body).RootElement.GetProperty("data").Clone();

    public static async Task<JsonElement[]> DeliveriesAsync(Api api, string webhookId) =>
        (await Expect.JsonAsync(await api.GetAsync($"/api/v1/webhooks/{webhookId}/deliveries?page_size=100"), HttpStatusCode.OK)).Arr("items");

    /// <summary>Waits until the log's delivery satisfies <paramref name="done"/>.</summary>
    public static async Task<JsonElement> WaitForDeliveryAsync(Api api, string webhookId, Func<JsonElement, bool> done, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var deliveries = await DeliveriesAsync(api, webhookId);
            if (deliveries.FirstOrDefault(done) is { ValueKind: JsonValueKind.Object } found) return found;
            if (watch.Elapsed > Bound)
                throw new Xunit.Sdk.XunitException($"After {Bound.TotalSeconds} s no delivery of {webhookId} was {what}: " +
                                                   string.Join("; ", deliveries.Select(d => d.ToString())));
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Makes <paramref name="host"/> resolve to 127.0.0.1 for the webhook client of every instance of <paramref name="app"/>
    /// (the DNS of an attacker, or a CRM on loopback) until disposed: whichever instance's worker picks the delivery up.
    /// </summary>
    public static IDisposable ResolveToLoopback(ParapheApp app, string host)
    {
        var swapped = app.EveryInstance.Select(services => services.GetRequiredService<WebhookAddressGuard>())
            .Select(guard => (Guard: guard, System: guard.Resolve)).ToArray();
        foreach (var (guard, system) in swapped)
            guard.Resolve = (name, ct) => name == host ? Task.FromResult(new[] { IPAddress.Loopback }) : system(name, ct);
        return new Restore(() => { foreach (var (guard, system) in swapped) guard.Resolve = system; });
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
