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
        var costs = new List<(DatabaseProvider, string, (double, double, double, double))>();
        var checks = new List<(string Text, bool Ok)>();
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
            // Enough sent messages for every round and the cost pass (a delivered callback is never replayed on a new message).
            var needed = (int)(options.Clients.Count * (options.Rounds * options.Seconds + options.WarmupSeconds) * 2500) + 2 * CostOperations;
            var pool = await SeedAsync(app, needed);
            var (reservedProcedure, reservedMessage, reserved) = await CallbackFloors.ReservedAsync(app);
            pool = new ConcurrentQueue<string>(pool.Where(id => !reserved.Contains(id)));
            var used = new ConcurrentQueue<string>();
            var callback = Callback(pool, used);
            var sameRows = CallbackFloors.SameRows(reservedProcedure, reservedMessage);
            foreach (var clients in options.Clients)
            {
                var operations = new[] { (Scenarios.Floor, Scenarios.Floor.Prepare(app)), (sameRows, sameRows.Prepare(app)), (callback, callback.Prepare(app)) };
                foreach (var result in await LoadRunner.RunInterleavedAsync(operations, clients, options, $"callbacks {provider}"))
                    results.Add((provider, app.Settings, result));
            }

            Console.Error.WriteLine($"[callbacks {provider}] cost per operation…");
            var readAndRows = CallbackFloors.ReadAndSameRows(reservedProcedure, reservedMessage);
            var rawWritten = new ConcurrentQueue<string>();
            var readAndOthers = CallbackFloors.ReadAndRowsOfAnotherMessage(
                () => pool.TryDequeue(out var id) ? id : throw new InvalidOperationException("no seeded message left"), rawWritten.Enqueue);
            foreach (var scenario in new[] { Scenarios.Floor, sameRows, readAndRows, readAndOthers, Queued(pool), Repeat(used), callback })
                costs.Add((provider, scenario.Name, await CallbackFloors.CostAsync(scenario.Prepare(app), CostOperations)));
            // The raw floor's messages are delivered with one audit event each too (written by the floor, not by callbacks).
            checks.Add(await CheckAsync(app, reservedProcedure, used.Count + rawWritten.Count));
            Console.Error.WriteLine($"[callbacks {provider}] {pool.Count} seeded messages left unused");
        }
        var markdown = Report.Markdown(results, options) + CallbackFloors.CostTable(costs, CostOperations) + string.Join("", checks.Select(c => c.Text));
        return (markdown, results.All(r => r.Result.Errors == 0) && checks.All(c => c.Ok));
    }

    private const int CostOperations = 1000;

    /// <summary>
    /// After the run: every message that got a delivered callback (first or repeated) has exactly one
    /// `notification.delivered` audit event — the repeats wrote nothing.
    /// </summary>
    private static async Task<(string Text, bool Ok)> CheckAsync(BenchApp app, string reservedProcedure, int called)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var delivered = await db.Notifications.IgnoreQueryFilters()
            .CountAsync(n => n.Status == DeliveryStatus.Delivered && n.Provider == "twilio" && n.ProcedureId != reservedProcedure);
        var events = await db.AuditEvents.IgnoreQueryFilters().CountAsync(a => a.Type == "notification.delivered" && a.ProcedureId != reservedProcedure);
        var ok = delivered == events && delivered == called;
        return ($"\n- {Report.Name(app.Provider)}: {called} messages given a delivered callback (some several times), {delivered} delivered, " +
                $"{events} `notification.delivered` audit events ({(ok ? "one each: every callback matched, the repeats wrote nothing" : "**MISMATCH**")}).\n", ok);
    }


    /// <summary>Launched procedures whose messages Twilio accepted: the state a status callback finds them in.</summary>
    private static async Task<ConcurrentQueue<string>> SeedAsync(BenchApp app, int messages)
    {
        var launch = Scenarios.OneTransaction.Prepare(app);
        var left = (messages + 2) / 3; // 3 SMS per procedure
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref left) >= 0) await launch();
        })));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var now = DateTime.UtcNow;
        // Only the SMS: a Twilio status callback names an SMS (an email with the same id is not its message and is
        // never touched — issue 3's runs seeded both, so half their callbacks matched nothing and wrote nothing).
        await db.Notifications.IgnoreQueryFilters().Where(n => n.Channel == Channel.Sms).ExecuteUpdateAsync(s => s
            .SetProperty(n => n.Status, DeliveryStatus.Sent).SetProperty(n => n.Provider, "twilio")
            .SetProperty(n => n.ProviderMessageId, n => "SM" + n.Id).SetProperty(n => n.UpdatedAt, now)
            .SetProperty(n => n.NextAttemptAt, Notification.HeldByProvider));
        var ids = await db.Notifications.IgnoreQueryFilters().Where(n => n.Channel == Channel.Sms).Select(n => n.Id).ToListAsync();
        // Thousands of rows just written: PostgreSQL plans on its statistics, which autovacuum would gather a while later
        // in production. Without them the first (1-client) rounds measured plans made for empty tables (36 callbacks/s).
        if (app.Provider == DatabaseProvider.Postgres) await db.Database.ExecuteSqlRawAsync("ANALYZE");
        Console.Error.WriteLine($"[callbacks {app.Provider}] seeded {ids.Count} sent messages");
        return new ConcurrentQueue<string>(ids.OrderBy(_ => Random.Shared.Next()));
    }

    private static Scenario Callback(ConcurrentQueue<string> pool, ConcurrentQueue<string> used) => new("Twilio callback: delivered",
        "TwilioStatusCallback.HandleAsync on a signed form (one message each time), fresh DI scope",
        app => Handler(app, () => pool.TryDequeue(out var id) ? id : throw new InvalidOperationException("no seeded message left"),
            "delivered", id => used.Enqueue(id)));

    /// <summary>The same callback again for a message already delivered: answered 204 from one read, nothing written.</summary>
    private static Scenario Repeat(ConcurrentQueue<string> used) => new("Twilio callback: repeat (already delivered)",
        "the delivered callback of a message that already had it", app => Handler(app,
            () => used.TryDequeue(out var id) ? id : throw new InvalidOperationException("no delivered message to repeat"), "delivered", used.Enqueue));

    /// <summary>A `queued` status (nothing to record): form parsing and the signature check only, no database.</summary>
    private static Scenario Queued(ConcurrentQueue<string> pool) => new("Twilio callback: queued (form + signature only)",
        "a status that records nothing: the handler answers 204 after the signature check", app => Handler(app,
            () => pool.TryPeek(out var id) ? id : "ntf_none", "queued", _ => { }));

    private static Func<Task> Handler(BenchApp app, Func<string> next, string status, Action<string> done)
    {
        var twilio = app.Services.GetRequiredService<IOptionsMonitor<TwilioOptions>>();
        var urls = app.Services.GetRequiredService<CallbackUrls>();
        var logs = app.Services.GetRequiredService<ILoggerFactory>();
        return async () =>
        {
            var id = next();
            var http = SignedCallback(urls, id, status);
            await using var scope = app.Services.CreateAsyncScope();
            http.RequestServices = scope.ServiceProvider;
            var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
            var result = await TwilioStatusCallback.HandleAsync(http, db, twilio, urls, logs, CancellationToken.None);
            if (result.Result is not NoContent) throw new InvalidOperationException($"callback refused: {result.Result}");
            done(id);
        };
    }

    /// <summary>The request Twilio sends: form fields as documented, signed over the public URL with the auth token.</summary>
    private static DefaultHttpContext SignedCallback(CallbackUrls urls, string notificationId, string status)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("AccountSid", "ACbench"), new("ApiVersion", "2010-04-01"), new("From", "+15005550006"),
            new("MessageSid", "SM" + notificationId), new("MessageStatus", status), new("SmsSid", "SM" + notificationId),
            new("SmsStatus", status), new("To", "+33612345678"),
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
