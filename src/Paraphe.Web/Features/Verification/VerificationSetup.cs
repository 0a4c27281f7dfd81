using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Verification;

public static class VerificationSetup
{
    public const string RatePolicy = "verify";

    /// <summary>
    /// « Vérifier un document » is public and takes uploads: each client (an IPv4 address, an IPv6 /64) may verify
    /// `Paraphe:Verify:PerMinute` documents a minute (30 by default), counted in the database so that the budget holds
    /// across instances (<see cref="SharedRateLimits"/>); beyond, 429 `rate_limited`.
    /// </summary>
    public static WebApplicationBuilder AddVerification(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<VerifyDocument>();
        var perMinute = builder.Configuration.GetValue<int?>("Paraphe:Verify:PerMinute") ?? 30;
        builder.Services.TryAddSingleton<SharedRateLimits>();
        builder.Services.AddRateLimiter(o =>
        {
            // Only a verification counts: reading the page that offers one (GET /verifier) is free.
            o.AddPolicy(RatePolicy, http => HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
                ? RateLimitPartition.GetNoLimiter("read")
                // An IPv6 client by its /64: not a fresh budget per address.
                : SharedRateLimits.Partition(http, "verify:" + Platform.Http.ClientPartition.Of(http), perMinute, TimeSpan.FromMinutes(1)));
            o.OnRejected = (context, _) => RateLimitAnswer.WriteAsync(context.HttpContext, 60,
                "Trop de vérifications depuis cette adresse : réessayez dans une minute.");
        });
        return builder;
    }
}
