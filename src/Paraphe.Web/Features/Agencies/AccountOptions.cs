namespace Paraphe.Web.Features.Agencies;

/// <summary>`Paraphe:Accounts`: the links that let a user choose a password (see README: Configuration).</summary>
public sealed class AccountOptions
{
    public const string Section = "Paraphe:Accounts";

    /// <summary>How long an invitation's set-password link works.</summary>
    public TimeSpan InvitationValidity { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a « mot de passe oublié » link works.</summary>
    public TimeSpan ResetValidity { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Reset emails sent to one address per <see cref="ResetWindow"/>; further requests answer the same and send nothing.</summary>
    public int MaxResetsPerWindow { get; set; } = 3;

    public TimeSpan ResetWindow { get; set; } = TimeSpan.FromHours(1);
}
