using System.Net;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Completion;

/// <summary>The public verification takes uploads from anyone: one client gets `Paraphe:Verify:PerMinute` a minute (2 here).</summary>
public sealed class VerifyRateLimit(NoSealingWorkerApp app) : IClassFixture<NoSealingWorkerApp>
{
    private async Task<HttpResponseMessage> VerifyAsync()
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(SamplePdfs.Valid(1)), "file", "contrat.pdf" } };
        return await app.Anonymous().PostAsync("/api/v1/verify", form);
    }

    [Fact]
    public async Task TheThirdVerificationInAMinuteIsRefusedWithRateLimited()
    {
        Assert.Equal(HttpStatusCode.OK, (await VerifyAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await VerifyAsync()).StatusCode);

        var refused = await VerifyAsync();
        var problem = await Expect.ProblemAsync(refused, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Contains("réessayez dans une minute", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Equal("60", refused.Headers.RetryAfter?.ToString());
    }
}
