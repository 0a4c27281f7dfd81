using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Testing;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Tests.Email;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Instances;

/// <summary>
/// One Paraphe instance of several on one PostgreSQL database: its own data directory (as on another machine), the
/// settings every instance shares (<paramref name="settings"/>: providers, signing key…), and, when
/// <paramref name="clockOf"/> is given, that instance's clock (its own <see cref="ParapheApp.Clock"/> is then unused:
/// move <paramref name="clockOf"/>'s). Workers on, as in production.
/// </summary>
public sealed class InstanceApp(string connectionString, IReadOnlyDictionary<string, string> settings, ParapheApp? clockOf = null)
    : ParapheApp
{
    public override string DatabaseName => "postgres";

    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(connectionString);

    protected override void Configure(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        if (clockOf is not null) builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clockOf.Clock));
    }

    /// <summary>The settings every instance of a deployment shares: one signing key, so that a link made by one opens on the other.</summary>
    public static Dictionary<string, string> SharedSettings() => new()
    {
        ["Paraphe:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    };
}

/// <summary>
/// Two Paraphe instances on one throwaway PostgreSQL database, started at the same moment, sending email over SMTP to
/// one <see cref="TestSmtpServer"/>, SMS to one <see cref="TwilioSimulator"/> and documents to one s3rver (as two machines behind a load
/// balancer share one relay and one SMS account), on one clock (<see cref="Clock"/>).
/// </summary>
public sealed class TwoInstances : IAsyncLifetime
{
    public TestSmtpServer Smtp { get; private set; } = null!;
    public TwilioSimulator Twilio { get; private set; } = null!;
    /// <summary>The object store both instances keep their documents in (a real S3-compatible server on loopback).</summary>
    public S3rver S3 { get; private set; } = null!;
    public InstanceApp First { get; private set; } = null!;
    public InstanceApp Second { get; private set; } = null!;

    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock => First.Clock;

    public IReadOnlyList<InstanceApp> Both => [First, Second];

    public async Task InitializeAsync()
    {
        Smtp = TestSmtpServer.Start();
        Twilio = await TwilioSimulator.StartAsync();
        S3 = await S3rver.StartAsync();
        var cluster = await PostgresCluster.SharedAsync();
        var connectionString = await cluster.CreateUniqueDatabaseAsync("instances");
        var settings = InstanceApp.SharedSettings();
        settings["Paraphe:Email:Provider"] = "smtp";
        settings["Paraphe:Email:From"] = SmtpApp.From;
        settings["Paraphe:Email:Smtp:Host"] = "127.0.0.1";
        settings["Paraphe:Email:Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture);
        settings["Paraphe:Email:Smtp:Security"] = "none";
        settings["Paraphe:Sms:Provider"] = "twilio";
        settings["Paraphe:Sms:Twilio:AccountSid"] = TwilioSimulator.AccountSid;
        settings["Paraphe:Sms:Twilio:AuthToken"] = TwilioSimulator.AuthToken;
        settings["Paraphe:Sms:Twilio:From"] = "+33644630000";
        settings["Paraphe:Sms:Twilio:BaseUrl"] = Twilio.BaseUrl;
        settings["Paraphe:Sms:Twilio:Timeout"] = "00:00:10";
        foreach (var (key, value) in S3.Settings) settings[key] = value;
        First = new InstanceApp(connectionString, settings);
        Second = new InstanceApp(connectionString, settings, clockOf: First);
        // Both start at once on an empty database: both migrate, seed the demo agency… one at a time.
        await Task.WhenAll(Task.Run(First.InitializeAsync), Task.Run(Second.InitializeAsync));
    }

    public async Task DisposeAsync()
    {
        Twilio.BeforeAnswer = null;
        Twilio.Default = SimulatedAnswer.Accept;
        await Second.DisposeAsync();
        await First.DisposeAsync();
        await Twilio.DisposeAsync();
        await Smtp.DisposeAsync();
        await S3.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TwoInstancesCollection : ICollectionFixture<TwoInstances>
{
    public const string Name = "two-instances";
}
