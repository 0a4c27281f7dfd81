using System.Reflection;
using Microsoft.Extensions.Options;

namespace Paraphe.Web.Platform.Configuration;

/// <summary>
/// The one place where a start-up that fails on configuration ends: « Configuration invalide : … » on stderr, each
/// problem on its own line, and exit code 2 — not a stack trace. It covers everything before the app serves: the
/// checks of <see cref="ConfigurationChecks"/> and of the providers (<see cref="OptionsValidationException"/>), and a
/// value that does not even convert to its type (« Failed to convert configuration value at 'Paraphe:…' »).
/// <para>
/// It listens for the exception leaving the program rather than wrapping Program.cs in a try: when a test host runs
/// the program (WebApplicationFactory) the exception is not unhandled, so it reaches the test as it is.
/// </para>
/// </summary>
public static class StartupFailure
{
    public const int ExitCode = 2;

    public static void ExitCleanlyOnInvalidConfiguration()
    {
        // Only when Paraphe is the process, not when a test host calls its entry point.
        if (Assembly.GetEntryAssembly() != typeof(StartupFailure).Assembly) return;
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (e.ExceptionObject is not Exception exception || Describe(exception) is not { } message) return;
            Console.Error.WriteLine(message);
            Console.Error.Flush();
            Environment.Exit(ExitCode);
        };
    }

    /// <summary>The text printed for a configuration failure; null for any other exception (left to the runtime).</summary>
    public static string? Describe(Exception exception)
    {
        var problems = Find(exception).ToList();
        return problems.Count switch
        {
            0 => null,
            1 => "Configuration invalide : " + problems[0],
            _ => "Configuration invalide :" + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)),
        };
    }

    private static IEnumerable<string> Find(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AggregateException aggregate:
                    foreach (var problem in aggregate.InnerExceptions.SelectMany(Find).Distinct()) yield return problem;
                    yield break;
                case OptionsValidationException validation:
                    foreach (var failure in validation.Failures.Distinct()) yield return failure;
                    yield break;
                case InvalidOperationException when e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal):
                    yield return e.Message + (e.InnerException is { } inner ? " " + inner.Message : "");
                    yield break;
            }
        }
    }
}
