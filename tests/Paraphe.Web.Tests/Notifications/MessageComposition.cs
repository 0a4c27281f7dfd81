using Microsoft.Extensions.Options;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Contacts;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Notifications;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Tests.Notifications;

/// <summary>The texts clients receive: in their language, with the agency, the title and the link; SMS in one GSM-7 segment.</summary>
public class MessageComposition
{
    private static readonly DateTime Now = new(2026, 3, 10, 9, 30, 0, DateTimeKind.Utc);

    /// <summary>40 characters, as agents title a compromis.</summary>
    private const string Title = "Compromis de vente - 12 rue Garibaldi 3e";

    private static readonly Agency Agency = Agency.Create("Immobilière des Quais", Now);

    /// <summary>A real link: an HTTPS host like an agency would configure, and a real 43-character token.</summary>
    private static readonly SigningLinks Links = new(Options.Create(new ParapheOptions
    {
        PublicBaseUrl = "https://signature.paraphe.fr", SigningKey = Convert.ToBase64String(new byte[32]),
    }));

    private static (Procedure Procedure, Signer Signer, string Link) Launched(Language language, string title = Title)
    {
        var p = Procedure.Create(Agency.Id, "doc_1", title, new Procedure.Options(ProcedureMode.Remote), "user:u", Now);
        var snapshot = new SignerSnapshot("Camille", "Lefèvre", "camille@example.fr", "+33612345678", true, true, language);
        p.AddSigner("ctc_1", null, "vendeur", null, snapshot, "user:u");
        p.Launch("sha", _ => snapshot, s => "h-" + s.Id, "user:u", Now);
        var signer = p.Signers.Single();
        return (p, signer, Links.UrlFor(signer.Id));
    }

    private static (MessageComposer.Content Content, string Link) Compose(Purpose purpose, Channel channel, Language language,
        string title = Title, Agency? agency = null)
    {
        agency ??= Agency;
        var (p, s, link) = Launched(language, title);
        var n = Notification.Queue(agency.Id, p.Id, s.Id, channel, purpose, channel == Channel.Sms ? s.Mobile : s.Email, Now);
        return (MessageComposer.Compose(n, agency, p, s, purpose is Purpose.Invitation or Purpose.Reminder ? link : null), link);
    }

    [Fact]
    public void TheRealLinkIsAbout75Characters()
    {
        var (_, _, link) = Launched(Language.Fr);
        Assert.Equal("https://signature.paraphe.fr/sign/".Length + 43, link.Length);
    }

    [Theory]
    [InlineData(Purpose.Invitation, Language.Fr, "vous invite à signer")]
    [InlineData(Purpose.Reminder, Language.Fr, "attend votre signature")]
    [InlineData(Purpose.Invitation, Language.En, "invites you to sign")]
    [InlineData(Purpose.Reminder, Language.En, "is awaiting your signature")]
    public void AnEmailCarriesTheAgencyTheTitleAndTheLinkInTheSignersLanguage(Purpose purpose, Language language, string words)
    {
        var (email, link) = Compose(purpose, Channel.Email, language);

        Assert.All(new[] { email.Text, System.Net.WebUtility.HtmlDecode(email.Html!) }, body =>
        {
            Assert.Contains(Agency.Name, body, StringComparison.Ordinal);
            Assert.Contains(Title, body, StringComparison.Ordinal);
            Assert.Contains(link, body, StringComparison.Ordinal);
            Assert.Contains(words, body, StringComparison.Ordinal);
        });
        Assert.StartsWith(language == Language.En ? "Hello Camille," : "Bonjour Camille,", email.Text, StringComparison.Ordinal);
        Assert.Contains(language == Language.En ? "lang=\"en\"" : "lang=\"fr\"", email.Html, StringComparison.Ordinal);
        Assert.Contains(language == Language.En ? "valid until 9 April 2026" : "valable jusqu'au 9 avril 2026", email.Text,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Purpose.Cancellation, Language.Fr, "a annulé", "Signature annulée")]
    [InlineData(Purpose.Cancellation, Language.En, "has cancelled", "Signing cancelled")]
    [InlineData(Purpose.Completion, Language.Fr, "Tous les signataires ont signé", "Document signé")]
    [InlineData(Purpose.Completion, Language.En, "Everyone has signed", "Signed document")]
    [InlineData(Purpose.Notary, Language.Fr, "signé électroniquement par toutes les parties", "Immobilière des Quais vous transmet")]
    public void EveryOtherEmailExistsInBothLanguages(Purpose purpose, Language language, string words, string subject)
    {
        var (email, _) = Compose(purpose, Channel.Email, language);

        Assert.Contains(words, email.Text, StringComparison.Ordinal);
        Assert.Contains(Title, email.Text, StringComparison.Ordinal);
        Assert.StartsWith(subject, email.Subject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Purpose.Invitation, Language.Fr)]
    [InlineData(Purpose.Reminder, Language.Fr)]
    [InlineData(Purpose.Invitation, Language.En)]
    [InlineData(Purpose.Reminder, Language.En)]
    public void AnSmsWithTheAgencyAFortyCharacterTitleAndTheRealLinkIsOneGsm7Segment(Purpose purpose, Language language)
    {
        var (sms, link) = Compose(purpose, Channel.Sms, language);

        Assert.Equal((SmsEncoding.Gsm7, 1), (SmsSegments.Count(sms.Text).Encoding, SmsSegments.Count(sms.Text).Segments));
        Assert.Contains(Gsm7.Transliterate(Agency.Name), sms.Text, StringComparison.Ordinal);
        Assert.Contains(Title, sms.Text, StringComparison.Ordinal);
        Assert.EndsWith(link, sms.Text, StringComparison.Ordinal);
        Assert.Null(sms.Subject);
    }

    [Theory]
    [InlineData(Language.Fr, "la signature de")]
    [InlineData(Language.En, "signing of")]
    public void TheCancellationSmsIsOneGsm7SegmentWithoutALink(Language language, string words)
    {
        var (sms, _) = Compose(Purpose.Cancellation, Channel.Sms, language);

        Assert.Equal((SmsEncoding.Gsm7, 1), (SmsSegments.Count(sms.Text).Encoding, SmsSegments.Count(sms.Text).Segments));
        Assert.Contains(words, sms.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("/sign/", sms.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("« Bail » — appartement 2e étage", "'Bail' - appartement 2e étage")]
    [InlineData("Mandat de vente maison à Fontaine-lès-Dijon", "Mandat de vente maison à Fontaine-lès...")]
    [InlineData("Bail de l’hôtel particulier, façade sur cour", "Bail de l'hotel particulier, facade...")]
    [InlineData("Offre d’achat – fenêtre sur cour", "Offre d'achat - fenetre sur cour")]
    public void ATitleWithCharactersOutsideGsm7StaysGsm7AfterTransliteration(string title, string inSms)
    {
        var (sms, _) = Compose(Purpose.Invitation, Channel.Sms, Language.Fr, title);

        Assert.Equal((SmsEncoding.Gsm7, 1), (SmsSegments.Count(sms.Text).Encoding, SmsSegments.Count(sms.Text).Segments));
        Assert.Equal(inSms, sms.Text[(sms.Text.IndexOf('"', StringComparison.Ordinal) + 1)..sms.Text.LastIndexOf('"')]);
    }

    [Fact]
    public void ALongAgencyNameShortensTheTitleRatherThanPayForASecondSms()
    {
        var agency = Agency.Create("Cabinet Immobilier du Vieux Lyon", Now);

        var (sms, link) = Compose(Purpose.Reminder, Channel.Sms, Language.Fr, agency: agency);

        Assert.Equal(1, SmsSegments.Count(sms.Text).Segments);
        Assert.Equal($"Rappel Cabinet Immobilier du Vieux Lyon : \"Compromis de vente - 12...\" à signer {link}", sms.Text);
    }

    [Fact]
    public void ATitleIsShortenedToTwentyCharactersAtMostEvenIfTheSmsThenTakesTwoSegments()
    {
        var agency = Agency.Create(new string('A', 120), Now);

        var (sms, _) = Compose(Purpose.Invitation, Channel.Sms, Language.Fr, agency: agency);

        Assert.Equal(2, SmsSegments.Count(sms.Text).Segments);
        Assert.Contains("\"Compromis de...\"", sms.Text, StringComparison.Ordinal);
    }
}
