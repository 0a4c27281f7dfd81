using Microsoft.Extensions.Options;

namespace Paraphe.Web.Platform.Configuration;

/// <summary>
/// One options section's start-up checks: each failed check is one sentence that names the key and says what to put
/// there. Registered as an <see cref="IValidateOptions{TOptions}"/> (several may check one section) and run by
/// `ValidateOnStart`, so a bad setting stops the start instead of surfacing later as a stuck message.
/// </summary>
internal sealed class OptionChecks<T>(string? name, Action<T, OptionChecks<T>.Faults> check) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? optionsName, T options)
    {
        if (name is not null && optionsName != name) return ValidateOptionsResult.Skip;
        var faults = new Faults();
        check(options, faults);
        return faults.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(faults);
    }

    /// <summary>The sentences of the failed checks.</summary>
    internal sealed class Faults : List<string>
    {
        public void Unless(bool ok, string problem)
        {
            if (!ok) Add(problem);
        }

        public void InRange(TimeSpan value, TimeSpan min, TimeSpan max, string key) =>
            Unless(value >= min && value <= max, $"{key} vaut {value:c} : attendu entre {min:c} et {max:c} (format hh:mm:ss).");

        public void InRange(long value, long min, long max, string key) =>
            Unless(value >= min && value <= max, $"{key} vaut {value} : attendu entre {min} et {max}.");

        /// <summary>A shared secret guessable by nobody: at least <paramref name="min"/> characters.</summary>
        public void Secret(string? value, int min, string key) =>
            Unless(value is null || value.Trim().Length >= min,
                $"{key} est trop court ({value?.Trim().Length ?? 0} caractères) : au moins {min} caractères aléatoires (openssl rand -hex 24).");

        public void AbsoluteUrl(string? value, string key, bool httpsOnly = false)
        {
            var ok = Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0;
            Unless(ok, $"{key} « {value} » doit être une adresse absolue (https://…).");
            if (ok && httpsOnly) Unless(uri!.Scheme == "https", $"{key} « {value} » doit commencer par https:// en Production.");
        }
    }
}

internal static class OptionChecks
{
    public static IServiceCollection Check<T>(this IServiceCollection services, Action<T, OptionChecks<T>.Faults> check,
        string? name = null) where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new OptionChecks<T>(name, check));
        services.AddOptions<T>(name ?? Options.DefaultName).ValidateOnStart();
        return services;
    }

    /// <summary>The same, for checks that need a service (the environment, the channels…).</summary>
    public static IServiceCollection Check<T>(this IServiceCollection services,
        Func<IServiceProvider, Action<T, OptionChecks<T>.Faults>> check, string? name = null) where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(sp => new OptionChecks<T>(name, check(sp)));
        services.AddOptions<T>(name ?? Options.DefaultName).ValidateOnStart();
        return services;
    }
}
