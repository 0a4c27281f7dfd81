using Paraphe.Web.Features.Documents;
using Paraphe.Web.Features.Signing;

namespace Paraphe.Web.Features.Procedures;

public static class ProceduresSetup
{
    /// <summary>Documents, procedures, signing links and the expiry sweep.</summary>
    public static WebApplicationBuilder AddProcedures(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<SigningLinks>();
        services.AddScoped<UploadDocument>();
        services.AddScoped<LaunchProcedure>();
        services.AddScoped<RelaunchProcedure>();
        services.AddScoped<MarkSigned>();
        services.AddSingleton<ExpirySweep>();
        services.AddHostedService(sp => sp.GetRequiredService<ExpirySweep>());
        return builder;
    }
}
