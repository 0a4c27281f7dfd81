using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using MimeKit;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// The app with small per-link limits (<see cref="SigningPerMinute"/>, <see cref="DownloadsPerMinute"/>) and a bounce
/// address, for <see cref="EvidenceFlooding"/>: its own instance, so that its limits and its clock jumps disturb no one.
/// </summary>
public static class EvidenceApp
{
    public const int SigningPerMinute = 60;
    public const int DownloadsPerMinute = 25;
    public const string BounceAddress = "bounces@paraphe.example";

    public static void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Paraphe:LinkRateLimits:SigningPerMinute", SigningPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Paraphe:LinkRateLimits:DownloadsPerMinute", DownloadsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Paraphe:Email:BounceAddress", BounceAddress);
    }
}

public sealed class EvidenceSqliteApp : ParapheApp
{
    public override string DatabaseName => "sqlite";
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
    protected override void Configure(IWebHostBuilder builder) => EvidenceApp.Configure(builder);
}

public sealed class EvidencePostgresApp : ParapheApp
{
    public override string DatabaseName => "postgres";

    protected override async Task<string?> CreateDatabaseAsync()
    {
        var cluster = await PostgresCluster.SharedAsync();
        return await cluster.CreateUniqueDatabaseAsync("evidence");
    }

    protected override void Configure(IWebHostBuilder builder) => EvidenceApp.Configure(builder);
}

/// <summary>Helpers of <see cref="EvidenceFlooding"/>: download links, DSNs as a mail server (or a forger) writes them.</summary>
internal static class EvidenceHelpers
{
    /// <summary>The download link the captured message <paramref name="notification"/> carried.</summary>
    public static async Task<string> DownloadPathAsync(Api api, JsonElement notification)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            var link = (await api.OutboxAsync(notification.Str("to"))).SelectMany(m => m.Arr("links")).Select(l => l.GetString()!)
                .FirstOrDefault(l => l.Contains($"/telechargement/{notification.Str("id")}/", StringComparison.Ordinal));
            if (link is not null) return new Uri(link).AbsolutePath;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"No message carried the download link of {notification}.");
    }

    /// <summary>A 5.1.1 DSN whose `To:` header is <paramref name="toHeader"/>, about the message <paramref name="originalMessageId"/>.</summary>
    public static MimeMessage Dsn(string toHeader, string finalRecipient, string? originalMessageId)
    {
        var dsn = new MimeMessage { Subject = "Undelivered Mail Returned to Sender" };
        dsn.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@mx.gmail.test"));
        dsn.To.Add(MailboxAddress.Parse(toHeader));
        var machine = new MessageDeliveryStatus();
        machine.StatusGroups.Add(new HeaderList { { "Reporting-MTA", "dns; mx.gmail.test" } });
        machine.StatusGroups.Add(new HeaderList
        {
            { "Final-Recipient", $"rfc822; {finalRecipient}" }, { "Action", "failed" }, { "Status", "5.1.1" },
            { "Diagnostic-Code", "smtp; 550 5.1.1 user unknown" },
        });
        var headers = new MimeMessage { Subject = "Demande de signature" };
        headers.To.Add(MailboxAddress.Parse(finalRecipient));
        if (originalMessageId is not null) headers.MessageId = originalMessageId;
        dsn.Body = new MultipartReport("delivery-status")
        {
            new TextPart("plain") { Text = "Your message could not be delivered." }, machine, new TextRfc822Headers { Message = headers },
        };
        return dsn;
    }
}
