using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications.Callbacks;
using Paraphe.Web.Features.Notifications.Sms;

namespace Paraphe.Bench.Delivery;

/// <summary>
/// Provider callbacks ingested per second: Twilio's signed status callback `delivered`, each for a different message,
/// through the production handler (<see cref="TwilioStatusCallback.HandleAsync"/>: form parsing, signature check,
/// lookup, the notification's transition, its event and its audit event in one transaction), beside the one-row
/// durable insert floor on the same database. Only Kestrel's routing is left out.
/// </summary>
public static class CallbackBench
{
    private const string AuthToken = "bench-twilio-auth-token";

    public static async Task<(string Markdown, bool Ok)> RunAsync(BenchOptions options)
    {
        var results = new List<(DatabaseProvider Db, string Settings, ScenarioResult Result)>();
        foreach (var provider in options.Databases)
        {
            Console.Error.WriteLine($"[callbacks {provider}] preparing…");
            await using var app = await BenchApp.StartAsync(provider, new Dictionary<string, string?>
            {
                ["Paraphe:Sms:Provider"] = "twilio",
                ["Paraphe:Sms:Twilio:AccountSid"] = "ACbench",
                ["Paraphe:Sms:Twilio:AuthToken"] = AuthToken,
                ["Paraphe:Sms:Twilio:From"] = "+15005550006",
            });
            // Enough sent messages for every round (a callback is never replayed on the same message).
            var needed = (int)(options.Clients.Count * (options.Rounds * options.Seconds + options.WarmupSeconds) * 600);
            var pool = await SeedAsync(app, needed);
            var callback = Callback(pool);
            foreach (var clients in options.Clients)
            {
                var operations = new[] { (Scenarios.Floor, Scenarios.Floor.Prepare(app)), (callback, callback.Prepare(app)) };
                foreach (var result in await LoadRunner.RunInterleavedAsync(operations, clients, options, $"callbacks {provider}"))
                    results.Add((provider, app.Settings, result));
            }
            Console.Error.WriteLine($"[callbacks {provider}] {pool.Count} seeded messages left unused");
        }
        return (Report.Markdown(results, options), results.All(r => r.Result.Errors == 0));
    }

    /// <summary>Launched procedures whose messages Twilio accepted: the state a status callback finds them in.</summary>
    private static async Task<ConcurrentQueue<string>> SeedAsync(BenchApp app, int messages)
    {
        var launch = Scenarios.OneTransaction.Prepare(app);
        var left = (messages + 5) / 6;
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref left) >= 0) await launch();
        })));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var now = DateTime.UtcNow;
        await db.Notifications.IgnoreQueryFilters().ExecuteUpdateAsync(s => s
            .SetProperty(n => n.Status, DeliveryStatus.Sent).SetProperty(n => n.Provider, "twilio")
            .SetProperty(n => n.ProviderMessageId, n => "SM" + n.Id).SetProperty(n => n.UpdatedAt, now)
            .SetProperty(n => n.NextAttemptAt, Notification.HeldByProvider));
        var ids = await db.Notifications.IgnoreQueryFilters().Select(n => n.Id).ToListAsync();
        Console.Error.WriteLine($"[callbacks {app.Provider}] seeded {ids.Count} sent messages");
        return new ConcurrentQueue<string>(ids.OrderBy(_ => Random.Shared.Next()));
    }

    private static Scenario Callback(ConcurrentQueue<string> pool) => new("Twilio callback: delivered",
        "TwilioStatusCallback.HandleAsync on a signed form (one message each time), fresh DI scope",
        app =>
        {
            var twilio = app.Services.GetRequiredService<IOptionsMonitor<TwilioOptions>>();
            var urls = app.Services.GetRequiredService<CallbackUrls>();
            var logs = app.Services.GetRequiredService<ILoggerFactory>();
            return async () =>
            {
                if (!pool.TryDequeue(out var id)) throw new InvalidOperationException("no seeded message left");
                var http = SignedCallback(urls, id);
                await using var scope = app.Services.CreateAsyncScope();
                http.RequestServices = scope.ServiceProvider;
                var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
                var result = await TwilioStatusCallback.HandleAsync(http, db, twilio, urls, logs, CancellationToken.None);
                if (result.Result is not NoContent) throw new InvalidOperationException($"callback refused: {result.Result}");
            };
        });

    /// <summary>The request Twilio sends: form fields as documented, signed over the public URL with the auth token.</summary>
    private static DefaultHttpContext SignedCallback(CallbackUrls urls, string notificationId)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("AccountSid", "ACbench"), new("ApiVersion", "2010-04-01"), new("From", "+15005550006"),
            new("MessageSid", "SM" + notificationId), new("MessageStatus", "delivered"), new("SmsSid", "SM" + notificationId),
            new("SmsStatus", "delivered"), new("To", "+33612345678"),
        };
        var url = urls.For("sms", "twilio", notificationId);
        var body = string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.ContentType = "application/x-www-form-urlencoded";
        http.Request.QueryString = new QueryString(new Uri(url).Query);
        http.Request.Headers["X-Twilio-Signature"] = TwilioSignature.Compute(AuthToken, url, fields);
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return http;
    }
}
