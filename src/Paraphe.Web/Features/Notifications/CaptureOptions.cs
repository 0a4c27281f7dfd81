namespace Paraphe.Web.Features.Notifications;

/// <summary>
/// `Paraphe:Capture`: the `capture` providers keep every message for the dev outbox instead of sending it, so every
/// signing link and code is readable by the agents. Refused in Production unless <see cref="AllowInProduction"/>.
/// </summary>
public sealed class CaptureOptions
{
    public const string Section = "Paraphe:Capture";

    /// <summary>A demonstration server in the Production environment that must not send anything.</summary>
    public bool AllowInProduction { get; set; }
}
