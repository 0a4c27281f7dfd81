using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.WebEncoders;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Pages;

/// <summary>The agent web UI: Razor Pages behind the agent's cookie; the login and the signer's pages stay anonymous.</summary>
public static class UiSetup
{
    public const string AgentPolicy = "agent";

    /// <summary>The agency's name, kept in the cookie so the header needs no query.</summary>
    public const string AgencyNameClaim = "paraphe:agency_name";

    public static WebApplicationBuilder AddAgentUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthorizationBuilder().AddPolicy(AgentPolicy, p => p
            .AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme)
            .RequireClaim(ParapheClaims.AgencyId)
            .RequireClaim(ParapheClaims.UserId));
        // French text stays readable in the HTML (é, not &#xE9;); encoding of markup characters is unchanged.
        builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/", AgentPolicy);
            o.Conventions.AllowAnonymousToPage("/Login");
            o.Conventions.AllowAnonymousToFolder("/Sign");
            o.Conventions.AllowAnonymousToFolder("/Public");
            o.Conventions.AddPageRoute("/Procedures/Index", "");
        }).AddMvcOptions(o =>
        {
            o.Filters.Add<UnknownHandlers>();
            o.Filters.Add<Procedures.KioskLock>();
        });
        return builder;
    }
}
