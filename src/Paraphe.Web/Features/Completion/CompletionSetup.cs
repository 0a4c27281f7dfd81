using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Paraphe.Web.Features.Completion;

public static class CompletionSetup
{
    /// <summary>What happens once every signer has signed: the sealing worker, the signed document and its download links.</summary>
    public static WebApplicationBuilder AddCompletion(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SealingWorkerOptions>().BindConfiguration(SealingWorkerOptions.Section);
        builder.Services.AddSingleton<SealingSignal>();
        builder.Services.AddSingleton<IInterceptor, SealingWakeUp>();
        builder.Services.AddSingleton<SealingWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SealingWorker>());
        builder.Services.AddScoped<SealProcedure>();
        builder.Services.AddScoped<ISealJob>(sp => ActivatorUtilities.CreateInstance<MeteredSealJob>(sp));
        builder.Services.AddSingleton<SealingFailures>();
        builder.Services.AddScoped<SendToNotary>();
        builder.Services.AddSingleton<DownloadLinks>();
        return builder;
    }
}
