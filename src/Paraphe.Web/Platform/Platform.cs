using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Paraphe.Web.Platform.Configuration;
using Paraphe.Web.Platform.Http;

namespace Paraphe.Web.Platform;

/// <summary>Options, JSON, problem details, authentication, OpenAPI and health: what every feature stands on.</summary>
public static class Platform
{
    public const string ApiPolicy = "api";
    public const string SmartScheme = "Smart";

    public static WebApplicationBuilder AddPlatform(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ParapheOptions>().BindConfiguration(ParapheOptions.Section);
        builder.AddConfigurationChecks();
        builder.AddReverseProxy();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();

        services.ConfigureHttpJsonOptions(o => { Configure(o.SerializerOptions); o.SerializerOptions.Converters.Add(new RefusingStringConverter()); });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        IdempotencyMiddleware.AddIdempotency(services);

        var maxBody = (builder.Configuration.GetValue<int?>("Paraphe:MaxUploadMegabytes") ?? 50 + 0) * 1024L * 1024L;
        // Small by default; each endpoint's own limit is set by RequestLimits (docs/LIMITS.md).
        builder.AddRequestLimits().WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = (builder.Configuration.GetValue<int?>("Paraphe:Limits:JsonKilobytes") ?? 64) * 1024L);
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = maxBody + 1024 * 1024);

        services.AddAuthentication(SmartScheme)
            // `/api` takes API keys only (never the agent's cookie: no cross-site request forgery on the API).
            .AddPolicyScheme(SmartScheme, "API key or agent cookie", o => o.ForwardDefaultSelector = http =>
                http.Request.Path.StartsWithSegments("/api")
                || http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiKeyAuthentication.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.Cookie.Name = "paraphe";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                // The API answers 401 problem+json; only pages redirect to the login.
                o.Events.OnRedirectToLogin = ctx =>
                {
                    if (ctx.Request.Path.StartsWithSegments("/api")) ctx.Response.StatusCode = 401;
                    else ctx.Response.Redirect(ctx.RedirectUri);
                    return Task.CompletedTask;
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName).RequireClaim(ParapheClaims.AgencyId))
            .SetFallbackPolicy(null);

        // French pages: write « é » as é, not &#xE9;.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddOpenApi("v1", o => o.AddProblemResponses());
        services.AddRequestLocalization(o =>
        {
            o.SetDefaultCulture("fr-FR").AddSupportedCultures("fr-FR", "en").AddSupportedUICultures("fr-FR", "en");
        });
        return builder;
    }

    public static void Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DictionaryKeyPolicy = null;
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }

    public static WebApplication UsePlatform(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseReverseProxy();
        app.UseExceptionHandler();
        app.UseStatusCodePages(async ctx =>
        {
            var http = ctx.HttpContext;
            if (http.Response.HasStarted || http.Response.ContentLength > 0) return;
            if (ErrorPage.IsForPeople(http))
            {
                await ErrorPage.WriteAsync(http, http.Response.StatusCode);
                return;
            }
            if (http.Response.StatusCode == 413) { await RequestLimits.WriteTooLargeAsync(http); return; } // a body over its limit, read by model binding
            var code = http.Response.StatusCode switch
            {
                404 => Domain.ErrorCodes.NotFound,
                405 => Problems.MethodNotAllowed,
                401 => Problems.Unauthorized,
                415 => Problems.MalformedRequest,
                _ => Problems.MalformedRequest,
            };
            var detail = http.Response.StatusCode switch
            {
                404 => "Cette adresse d'API n'existe pas.",
                405 => "Méthode HTTP non autorisée sur cette adresse.",
                401 => "Clé d'API manquante ou invalide : envoyez `Authorization: Bearer <clé>`.",
                415 => "Type de contenu non pris en charge : envoyez du JSON (application/json).",
                _ => "Requête refusée.",
            };
            var problem = Problems.Details(code, detail, status: http.Response.StatusCode);
            await http.Response.WriteAsJsonAsync(problem, (JsonSerializerOptions?)null, "application/problem+json");
        });
        app.UseRequestLocalization(app.Services.GetRequiredService<IOptions<RequestLocalizationOptions>>().Value);
        app.UseStaticFiles();
        // Before any body is read or any link looked up: a refused request costs nothing (after the forwarded headers).
        app.UseRateLimiter();
        app.UseRequestLimits();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<IdempotencyMiddleware>();
        return app;
    }

    public static WebApplication MapPlatform(this WebApplication app)
    {
        app.MapOpenApi("/api/v1/openapi.json").AllowAnonymous();
        app.MapGet("/api/v1", () => TypedResults.Ok(new { name = "Paraphe API", version = "v1", openapi = "/api/v1/openapi.json" }))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" })).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
