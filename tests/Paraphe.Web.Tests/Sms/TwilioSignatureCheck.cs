using Microsoft.Extensions.Time.Testing;
using Paraphe.Web.Features.Notifications.Sms;
using Paraphe.Web.Outbox;

namespace Paraphe.Web.Tests.Sms;

public sealed class TwilioSignatureCheck
{
    /// <summary>The example of Twilio's security documentation (auth token 12345).</summary>
    private static readonly KeyValuePair<string, string>[] DocumentedParameters =
    [
        new("CallSid", "CA1234567890ABCDE"), new("Caller", "+12349013030"), new("Digits", "1234"),
        new("From", "+12349013030"), new("To", "+18005551212"),
    ];

    private const string DocumentedUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";

    [Fact]
    public void MatchesTheDocumentedExample() =>
        Assert.Equal("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", TwilioSignature.Compute("12345", DocumentedUrl, DocumentedParameters.Reverse()));

    [Fact]
    public void RefusesAnotherUrlAnotherTokenAChangedValueOrNoSignature()
    {
        const string good = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
        Assert.True(TwilioSignature.IsValid("12345", DocumentedUrl, DocumentedParameters, good));
        Assert.False(TwilioSignature.IsValid("12345", DocumentedUrl + "&baz=3", DocumentedParameters, good));
        Assert.False(TwilioSignature.IsValid("54321", DocumentedUrl, DocumentedParameters, good));
        Assert.False(TwilioSignature.IsValid("12345", DocumentedUrl, [.. DocumentedParameters[..4], new("To", "+18005551213")], good));
        Assert.False(TwilioSignature.IsValid("12345", DocumentedUrl, DocumentedParameters, null));
        Assert.False(TwilioSignature.IsValid("", DocumentedUrl, DocumentedParameters, good));
    }
}

public sealed class FailoverBreakerStates
{
    [Fact]
    public void OpensAfterTheConsecutiveFailuresAndLetsOneMessageTryAfterTheCoolDown()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-02T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var breaker = new FailoverBreaker(2, TimeSpan.FromSeconds(60), clock);

        Assert.False(breaker.Failed());
        Assert.True(breaker.AllowsPrimary(out _));
        Assert.True(breaker.Failed());
        Assert.False(breaker.AllowsPrimary(out var since));
        Assert.Equal(clock.GetUtcNow(), since);

        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.True(breaker.AllowsPrimary(out _));
        Assert.False(breaker.Failed()); // the trial failed: open again, already reported
        Assert.False(breaker.AllowsPrimary(out _));

        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.True(breaker.AllowsPrimary(out _));
        Assert.True(breaker.Succeeded()); // recovery is reported once
        Assert.False(breaker.Succeeded());
        Assert.False(breaker.Failed());
    }
}
