using Paraphe.Web.Features.Documents;
using Paraphe.Web.Features.Signing;

namespace Paraphe.Web.Features.Procedures;

public static class ProceduresSetup
{
    /// <summary>Documents, procedures, signing links, reminders and the expiry and reminder sweeps.</summary>
    public static WebApplicationBuilder AddProcedures(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<SigningLinks>();
        services.AddSingleton<OpenedLinks>(); // issue 12: opened links shown from memory after one indexed read
        services.AddSingleton<Pages.Sign.RenderedSigningPages>(); // issue 12 (page5): their page's plain GET without MVC
        services.AddSingleton<Pages.Sign.SignerFormTokens>(); // issue 12 (page7): its form's token kept per antiforgery cookie
        services.AddScoped<UploadDocument>();
        services.AddScoped<LaunchProcedure>();
        services.AddScoped<RelaunchProcedure>();
        services.AddScoped<SaveDraft>();
        services.AddScoped<MarkSigned>();
        services.AddScoped<RemindSigner>();
        services.AddSingleton<AttentionTracker>();
        services.AddSingleton<ListedItemCache>();
        services.AddSingleton<ListedPageCache>();
        services.AddSingleton<ListedStampReads>(); // issue 12 (list11): one read of a page's stamps for concurrent requests
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(sp => sp.GetRequiredService<AttentionTracker>());
        services.AddSingleton<AttentionReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<AttentionReconciler>());
        services.AddScoped<Signing.RequestOtp>();
        services.AddSingleton<ExpirySweep>();
        services.AddHostedService(sp => sp.GetRequiredService<ExpirySweep>());
        services.AddOptions<ReminderSweepOptions>().BindConfiguration(ReminderSweepOptions.Section);
        services.AddSingleton<ReminderSweep>();
        services.AddHostedService(sp => sp.GetRequiredService<ReminderSweep>());
        return builder;
    }
}
