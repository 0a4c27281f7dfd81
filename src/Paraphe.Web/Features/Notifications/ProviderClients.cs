using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Paraphe.Web.Features.Notifications;

/// <summary>`Paraphe:Providers:Breaker`: the circuit breaker in front of each provider's HTTP API.</summary>
public sealed class ProviderBreakerOptions
{
    public const string Section = "Paraphe:Providers:Breaker";

    /// <summary>Calls seen in <see cref="SamplingDuration"/> before the breaker may open.</summary>
    public int MinimumThroughput { get; set; } = 10;
    /// <summary>Share of those calls that failed (timeouts, connection errors, 408, 429, 5xx) for it to open.</summary>
    public double FailureRatio { get; set; } = 0.8;
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How long calls fail at once (temporary failures: retried later, or sent by the fallback) before one is let through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// One named-client setup for every provider API, through the standard .NET resilience pipeline
/// (Microsoft.Extensions.Http.Resilience, Polly v8): a circuit breaker on the app's <see cref="TimeProvider"/>
/// around a per-call timeout (the provider's `Timeout` setting, measured on the wall clock: it is a network wait),
/// no automatic redirects, no retries here (the outbox retries with backoff, and a send is not idempotent).
/// </summary>
public static class ProviderClients
{
    public static IHttpClientBuilder AddProviderClient(this IServiceCollection services, string name, Func<IServiceProvider, TimeSpan> timeout)
    {
        services.AddOptions<ProviderBreakerOptions>().BindConfiguration(ProviderBreakerOptions.Section)
            .Validate(o => o.MinimumThroughput >= 2 && o.FailureRatio is > 0 and <= 1 && o.SamplingDuration >= TimeSpan.FromMilliseconds(500)
                           && o.BreakDuration >= TimeSpan.FromMilliseconds(500),
                "Paraphe:Providers:Breaker: MinimumThroughput ≥ 2, FailureRatio in ]0, 1], SamplingDuration and BreakDuration ≥ 0.5 s.")
            .ValidateOnStart();
        var builder = services.AddHttpClient(name, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        // Outer: the breaker (it counts the timeouts of the inner strategy).
        builder.AddResilienceHandler("breaker", (pipeline, context) =>
        {
            var o = context.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProviderBreakerOptions>>().Value;
            pipeline.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
            pipeline.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                Name = name,
                MinimumThroughput = o.MinimumThroughput,
                FailureRatio = o.FailureRatio,
                SamplingDuration = o.SamplingDuration,
                BreakDuration = o.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsOutage(args.Outcome)),
            });
        });
        builder.AddResilienceHandler("timeout", (pipeline, context) =>
        {
            pipeline.TimeProvider = TimeProvider.System;
            pipeline.AddTimeout(new TimeoutStrategyOptions
            {
                Name = name,
                TimeoutGenerator = _ => ValueTask.FromResult(timeout(context.ServiceProvider)),
            });
        });
        return builder;
    }

    /// <summary>What says the provider is down or overloaded, not that it refused this message.</summary>
    public static bool IsOutage(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } r } => (int)r.StatusCode >= 500 || r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        _ => false,
    };
}
