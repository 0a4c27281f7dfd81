using Paraphe.Domain.Agencies;
using Paraphe.Domain.Notifications;
using static Paraphe.Web.Features.Notifications.MessageComposer;

namespace Paraphe.Web.Features.Notifications;

/// <summary>The emails about a user's own account (French: they go to the agency's staff), signed with the agency's identity.</summary>
public static class AccountMessages
{
    private static readonly EmailWords Words = new("fr", " : ", "Envoyé avec Paraphe, signature électronique");

    public static Content Compose(Purpose purpose, Agency agency, User user, string link, DateTime expiresAt)
    {
        var greeting = $"Bonjour {(user.FirstName.Length > 0 ? user.FirstName : user.DisplayName)},";
        var until = Paraphe.Web.Pages.Labels.When(expiresAt);
        return purpose switch
        {
            Purpose.AccountInvitation => EmailMessage(Words, $"{agency.Name} vous invite sur Paraphe", greeting,
                $"{agency.Name} vous a créé un compte sur Paraphe, l'outil de signature électronique de l'agence. " +
                $"Choisissez votre mot de passe pour vous connecter avec l'adresse {user.Email}.",
                "Choisir mon mot de passe", link, $"Ce lien ne sert qu'une fois et expire le {until}.\n\n{Signature(agency)}"),
            Purpose.PasswordReset => EmailMessage(Words, "Votre nouveau mot de passe Paraphe", greeting,
                "Vous avez demandé à changer votre mot de passe Paraphe. Si ce n'est pas vous, ignorez ce message : rien ne change.",
                "Choisir un nouveau mot de passe", link,
                $"Ce lien ne sert qu'une fois et expire le {until}. Vos autres sessions seront fermées.\n\n{Signature(agency)}"),
            _ => throw new ArgumentException($"{purpose} is not about an account.", nameof(purpose)),
        };
    }

    /// <summary>The agency's signature lines: name, address, carte professionnelle.</summary>
    public static string Signature(Agency agency) => string.Join("\n", new[]
    {
        agency.Name, agency.Address, agency.ProfessionalCard is { } card ? $"Carte professionnelle {card}" : null,
    }.Where(s => !string.IsNullOrWhiteSpace(s)));
}
