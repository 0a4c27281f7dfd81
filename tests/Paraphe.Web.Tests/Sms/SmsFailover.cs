using Paraphe.Testing.Simulators;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Sms;

/// <summary>
/// Twilio as the provider and Brevo as the fallback (2 failures open the breaker, 60 s cool-down). The tests of this
/// class share one breaker: each leaves it closed.
/// </summary>
public sealed class SmsFailover(FailoverSqliteApp app) : IClassFixture<FailoverSqliteApp>
{
    private async Task<string[]> SentDetailsAsync(string mobile, bool throughBrevo)
    {
        var procedureId = await app.LaunchForAsync(mobile);
        if (throughBrevo) await app.Brevo.WaitForAsync(mobile);
        else await app.Twilio.WaitForAsync(mobile);
        var (sms, _) = await app.WaitForSmsAsync(procedureId, "sent");
        return sms.Details();
    }

    [Fact]
    public async Task WhileTwilioIsDownBrevoSendsAndTwilioIsTriedAgainAfterTheCoolDown()
    {
        var wrong = Api.UniqueMobile();
        app.Twilio.AnswerFor(wrong, SimulatedAnswer.Error(400, "21211", $"The 'To' number {wrong} is not a valid phone number."));
        await app.WaitForSmsAsync(await app.LaunchForAsync(wrong), "failed");
        Assert.DoesNotContain(wrong.TrimStart('+'), app.Brevo.Attempts); // a wrong number is not an outage

        app.Twilio.Default = SimulatedAnswer.Error(503, "20500", "Service Unavailable");
        try
        {
            foreach (var _ in Enumerable.Range(0, 2))
            {
                var details = await SentDetailsAsync(Api.UniqueMobile(), throughBrevo: true);
                Assert.Contains(details, d => d.StartsWith("accepté par brevo (secours : twilio en échec : Twilio 503 20500", StringComparison.Ordinal));
            }
            var twilioAsked = app.Twilio.Attempts.Count;

            var whileOpen = await SentDetailsAsync(Api.UniqueMobile(), throughBrevo: true);

            Assert.Contains(whileOpen, d => d.StartsWith("accepté par brevo (secours : twilio en panne depuis", StringComparison.Ordinal));
            Assert.Equal(twilioAsked, app.Twilio.Attempts.Count);
        }
        finally
        {
            app.Twilio.Default = SimulatedAnswer.Accept;
        }

        app.Clock.Advance(TimeSpan.FromSeconds(61));
        var mobile = Api.UniqueMobile();
        var recovered = await SentDetailsAsync(mobile, throughBrevo: false);

        Assert.Contains("accepté par twilio", recovered);
        Assert.DoesNotContain(mobile.TrimStart('+'), app.Brevo.Attempts);
    }

    [Fact]
    public async Task AMessageTwilioDoesNotAnswerInTimeGoesThroughBrevo()
    {
        var mobile = Api.UniqueMobile();
        app.Twilio.AnswerFor(mobile, SimulatedAnswer.Hang);

        var details = await SentDetailsAsync(mobile, throughBrevo: true);

        Assert.Contains(details, d => d.Contains("secours : twilio en échec : Twilio n'a pas répondu en 5 s", StringComparison.Ordinal));
        var next = Api.UniqueMobile();
        Assert.Contains("accepté par twilio", await SentDetailsAsync(next, throughBrevo: false)); // one failure does not open the breaker
    }
}
