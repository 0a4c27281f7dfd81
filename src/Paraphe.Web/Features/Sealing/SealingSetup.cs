namespace Paraphe.Web.Features.Sealing;

public static class SealingSetup
{
    /// <summary>The platform seal: its certificate (configured or a generated development one) and the PDF sealer.</summary>
    public static WebApplicationBuilder AddSealing(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SealingOptions>().BindConfiguration(SealingOptions.Section);
        builder.Services.AddSingleton<SealCertificates>();
        builder.Services.AddSingleton<PdfSealer>();
        builder.Services.AddHostedService<FallbackFontCheck>();
        builder.Services.AddHttpClient(TimestampClient.HttpClientName, (sp, client) =>
            client.Timeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SealingOptions>>().Value.TsaTimeout);
        return builder;
    }
}
