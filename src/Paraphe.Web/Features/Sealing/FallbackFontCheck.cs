namespace Paraphe.Web.Features.Sealing;

/// <summary>
/// At start-up: a warning for each fallback font that is not installed (see <see cref="DejaVuFonts"/>), and the logger
/// for the warnings about characters printed as a substitute. Never stops the start: DejaVu alone still prints every
/// Latin, Greek and Cyrillic name.
/// </summary>
internal sealed class FallbackFontCheck(ILogger<DejaVuFonts> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        DejaVuFonts.CheckFallbacks(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
