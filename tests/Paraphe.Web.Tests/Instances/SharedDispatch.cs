using System.Diagnostics;
using System.Web;
using Microsoft.EntityFrameworkCore;
using Paraphe.Domain.Notifications;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Instances;

/// <summary>
/// Two instances dispatching one outbox: every message leaves exactly once (counted at the SMTP server and the SMS
/// provider by notification id), a hanging SMS provider does not hold back the emails, and a delivery report that
/// overtakes the provider's answer never loses the outcome. PostgreSQL only: several instances need a shared server.
/// </summary>
[Collection(TwoInstancesCollection.Name)]
public sealed class SharedDispatch(TwoInstances pair)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task TwoInstancesSendEachOfAThousandMessagesExactlyOnce()
    {
        var procedures = await LaunchAsync(count: 40);
        await QueueRemindersAsync(procedures, perSignerAndChannel: 6);
        var ids = await NotificationIdsAsync(procedures);
        Assert.True(ids.Count >= 1000, $"only {ids.Count} messages queued");

        await WaitUntilAsync(() => ids.Count(id => SeenAtServers().ContainsKey(id)) == ids.Count,
            () => $"{ids.Count(id => !SeenAtServers().ContainsKey(id))} of {ids.Count} messages never reached their server");
        await WaitUntilAsync(async () => await UnrecordedAsync(procedures) == 0,
            async () => $"{await UnrecordedAsync(procedures)} messages sent but not recorded as sent");

        var seen = SeenAtServers();
        var twice = ids.Where(id => seen[id] > 1).ToList();
        Assert.True(twice.Count == 0, $"{twice.Count} messages were sent more than once, e.g. {string.Join(", ", twice.Take(5))}");
        var rows = await pair.First.DbAsync(db => db.Notifications.IgnoreQueryFilters().Include(n => n.Events)
            .Where(n => procedures.Contains(n.ProcedureId!)).ToListAsync());
        Assert.All(rows, n =>
        {
            Assert.Equal(DeliveryStatus.Sent, n.Status);
            Assert.NotNull(n.ProviderMessageId);
            Assert.Equal(1, n.Events.Count(e => e.Status == DeliveryStatus.Sent));
            Assert.Equal(1, n.Attempts);
        });
        await AssertAuditChainsValidAsync(procedures);
    }

    [Fact]
    public async Task AHangingSmsProviderDoesNotHoldBackTheEmails()
    {
        pair.Twilio.Default = SimulatedAnswer.Hang;
        try
        {
            var procedures = await LaunchAsync(count: 6);
            await QueueRemindersAsync(procedures, perSignerAndChannel: 5);
            var emails = await NotificationIdsAsync(procedures, Channel.Email);
            var sms = await NotificationIdsAsync(procedures, Channel.Sms);

            await WaitUntilAsync(() => emails.All(SeenAtServers().ContainsKey),
                () => $"{emails.Count(id => !SeenAtServers().ContainsKey(id))} of {emails.Count} emails still unsent behind the hanging SMS provider");
            Assert.DoesNotContain(sms, SeenAtServers().ContainsKey); // the SMS provider is still hanging: none went out
        }
        finally
        {
            pair.Twilio.Default = SimulatedAnswer.Accept;
        }
    }

    [Fact]
    public async Task ADeliveryReportOvertakingTheProvidersAnswerNeverLosesTheOutcome()
    {
        var procedures = await LaunchAsync(count: 2);
        var mobiles = (await pair.First.DbAsync(db => db.Procedures.IgnoreQueryFilters().Where(p => procedures.Contains(p.Id))
            .SelectMany(p => p.Signers).Select(s => s.Mobile).ToListAsync())).ToHashSet();
        // Each SMS to these signers is reported delivered, through the other instance, before Twilio's answer comes back.
        using var callbacks = pair.Second.CreateClient();
        pair.Twilio.BeforeAnswer = async sms =>
        {
            if (mobiles.Contains(sms.To)) (await pair.Twilio.CallbackAsync(sms, "delivered", callbacks)).EnsureSuccessStatusCode();
        };
        try
        {
            await QueueRemindersAsync(procedures, perSignerAndChannel: 5);
            var sms = await NotificationIdsAsync(procedures, Channel.Sms, Purpose.Reminder); // the invitations left before the hook
            Task<List<Notification>> RowsAsync() => pair.First.DbAsync(db => db.Notifications.IgnoreQueryFilters()
                .Include(n => n.Events).Where(n => sms.Contains(n.Id)).ToListAsync());

            await WaitUntilAsync(async () => (await RowsAsync()).All(n => n.ProviderMessageId is not null),
                async () => $"{(await RowsAsync()).Count(n => n.ProviderMessageId is null)} of {sms.Count} SMS without their provider's id");

            var sids = pair.Twilio.Accepted.Where(s => sms.Contains(NotificationOf(s))).ToDictionary(NotificationOf, s => s.Sid);
            Assert.All(await RowsAsync(), n =>
            {
                Assert.Equal(DeliveryStatus.Delivered, n.Status);
                Assert.Equal("twilio", n.Provider);
                Assert.Equal(sids[n.Id], n.ProviderMessageId);
                Assert.Equal(1, n.Events.Count(e => e.Status == DeliveryStatus.Delivered));
            });
            Assert.All(sms, id => Assert.Equal(1, SeenAtServers()[id]));
            var audit = await pair.First.Api().AuditAsync(procedures[0]);
            Assert.Contains(audit.Arr("events"), e => e.Str("type") == "notification.delivered");
            await AssertAuditChainsValidAsync(procedures);
        }
        finally
        {
            pair.Twilio.BeforeAnswer = null;
        }
    }

    /// <summary>Remote procedures with two signers each (email and mobile), launched half through each instance.</summary>
    private async Task<List<string>> LaunchAsync(int count)
    {
        var launched = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var (procedure, _) = await pair.Both[i % 2].Api().LaunchedAsync("remote");
            launched.Add(procedure.Str("id"));
        }
        return launched;
    }

    /// <summary>Reminders queued straight into the outbox, as many transactions would: a crowd of due messages at once.</summary>
    private Task QueueRemindersAsync(List<string> procedures, int perSignerAndChannel) => pair.First.DbAsync(async db =>
    {
        var now = pair.Clock.GetUtcNow().UtcDateTime;
        foreach (var p in await db.Procedures.IgnoreQueryFilters().Where(p => procedures.Contains(p.Id)).ToListAsync())
            foreach (var s in p.Signers)
                for (var i = 0; i < perSignerAndChannel; i++)
                {
                    db.Notifications.Add(Notification.Queue(p.AgencyId, p.Id, s.Id, Channel.Email, Purpose.Reminder, s.Email, now));
                    db.Notifications.Add(Notification.Queue(p.AgencyId, p.Id, s.Id, Channel.Sms, Purpose.Reminder, s.Mobile, now));
                }
        await db.SaveChangesAsync();
    });

    private Task<List<string>> NotificationIdsAsync(List<string> procedures, Channel? channel = null, Purpose? purpose = null) =>
        pair.First.DbAsync(db => db.Notifications.IgnoreQueryFilters()
            .Where(n => procedures.Contains(n.ProcedureId!) && (channel == null || n.Channel == channel)
                        && (purpose == null || n.Purpose == purpose))
            .Select(n => n.Id).ToListAsync());

    private Task<int> UnrecordedAsync(List<string> procedures) => pair.First.DbAsync(db => db.Notifications.IgnoreQueryFilters()
        .CountAsync(n => procedures.Contains(n.ProcedureId!) && n.Status != DeliveryStatus.Sent));

    /// <summary>How many times each notification reached the SMTP server or the SMS provider.</summary>
    private Dictionary<string, int> SeenAtServers() =>
        pair.Smtp.Messages.Select(m => m.Message.Headers["X-Paraphe-Notification"] ?? "")
            .Concat(pair.Twilio.Accepted.Select(NotificationOf))
            .GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());

    private static string NotificationOf(TwilioSimulator.Sms sms) =>
        HttpUtility.ParseQueryString(new Uri(sms.StatusCallback).Query)["n"] ?? "";

    private async Task AssertAuditChainsValidAsync(List<string> procedures)
    {
        var api = pair.Second.Api();
        foreach (var id in procedures)
            Assert.True((await api.AuditAsync(id)).GetProperty("valid").GetBoolean(), $"the audit chain of {id} is broken");
    }

    internal static Task WaitUntilAsync(Func<bool> done, Func<string> missing) =>
        WaitUntilAsync(() => Task.FromResult(done()), () => Task.FromResult(missing()));

    internal static async Task WaitUntilAsync(Func<Task<bool>> done, Func<Task<string>> missing)
    {
        var watch = Stopwatch.StartNew();
        while (!await done())
        {
            if (watch.Elapsed > Bound) throw new Xunit.Sdk.XunitException($"After {Bound.TotalMinutes} min: {await missing()}");
            await Task.Delay(200);
        }
    }
}
