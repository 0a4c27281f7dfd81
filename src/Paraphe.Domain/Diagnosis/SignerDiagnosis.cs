using Paraphe.Domain.Contacts;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Diagnosis;

/// <summary>
/// « Pourquoi mon client n'a rien reçu ? » answered for one signer from facts Paraphe holds: the mode, the
/// procedure's state, the contact checks of the signer's email and mobile, each message and its delivery events,
/// the link opening, and the time. Pure: no I/O, the time is passed in.
/// <para>
/// No false alarms: a message simply delivered and opened gives only <c>received</c>; a message on its way gives
/// at most an info. Waiting advice (in transit, deferred, not opened) is given only while the procedure is ongoing;
/// facts about the address or number itself (bounced, blocked, unknown number, landline) stay visible afterwards
/// because they matter for a relaunch.
/// </para>
/// </summary>
public static partial class SignerDiagnosis
{
    /// <summary>A delivered email whose link is still not opened after this long: ask the client to look in the spam folder.</summary>
    public static readonly TimeSpan UnopenedAfter = TimeSpan.FromHours(24);

    /// <summary>An SMS to a number outside mainland France still not delivered after this long is reported.</summary>
    public static readonly TimeSpan OverseasSmsOverdueAfter = TimeSpan.FromHours(1);

    private const string MainlandFrance = "FR";

    /// <summary>The diagnosis of every signer of a procedure, by signer id (the outage is computed once).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<Finding>> ForProcedure(Procedure procedure,
        IReadOnlyCollection<IMessageFacts> notifications, DateTime now) => ForProcedure(procedure, notifications, new DiagnosisClock(now));

    /// <summary>The same, on a clock that records until when the findings hold with time alone
    /// (<see cref="DiagnosisClock.HoldsUntil"/>).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<Finding>> ForProcedure(Procedure procedure,
        IReadOnlyCollection<IMessageFacts> notifications, DiagnosisClock now)
    {
        var outage = ProviderOutage.Detect(notifications);
        return procedure.Signers.ToDictionary(s => s.Id,
            s => For(DiagnosisFacts.Of(procedure, s, notifications, outage), now));
    }

    public static IReadOnlyList<Finding> For(DiagnosisFacts f, DateTime now) => For(f, new DiagnosisClock(now));

    /// <summary>One signer's findings; <paramref name="now"/> records until when they hold with time alone.</summary>
    public static IReadOnlyList<Finding> For(DiagnosisFacts f, DiagnosisClock now)
    {
        var findings = new List<Finding>();
        if (f.Mode != ProcedureMode.Remote)
        {
            findings.Add(ModeFinding(f));
            if (f.ProcedureStatus == ProcedureStatus.Draft) findings.Add(NotLaunched(f.Mode));
            if (f.Mode == ProcedureMode.InPerson && AwaitingTurn(f) is { } turn) findings.Add(turn);
            if (f.Mode == ProcedureMode.InPerson) findings.AddRange(InPersonCodeFindings(f, now));
            if (OtpLockFinding(f, now) is { } inPersonLock) findings.Add(inPersonLock);
            return Ordered(findings);
        }

        switch (f.SignerStatus)
        {
            case SignerStatus.Signed:
                return [new Finding(DiagnosisCodes.Received, Severity.Info,
                    "Le signataire a signé : il a bien reçu sa demande de signature.", "Rien à faire.")];
            case SignerStatus.Declined:
                return [new Finding(DiagnosisCodes.Received, Severity.Info,
                    "Le signataire a refusé de signer : il a bien reçu la demande.",
                    "Voyez avec le client la raison de son refus ; relancez la procédure si besoin.")];
            case SignerStatus.Pending:
                break;
        }

        // Not invited yet, by design: nothing to blame on their email or mobile.
        if (AwaitingTurn(f) is { } waiting) return [waiting];

        var launched = f.ProcedureStatus != ProcedureStatus.Draft;
        var emailCheck = ContactChecks.CheckEmail(f.Email);
        var mobileCheck = ContactChecks.CheckMobile(f.Mobile);
        if (!launched) findings.Add(NotLaunched(f.Mode));
        if (EmailCheckFinding(emailCheck, f.Email, launched) is { } e) findings.Add(e);
        if (MobileCheckFinding(mobileCheck, f.Mobile, launched) is { } m) findings.Add(m);
        if (!launched) return Ordered(findings);

        var ctx = new Context(f, now, f.ProcedureStatus == ProcedureStatus.Ongoing, f.OpenedAt is not null,
            emailCheck, mobileCheck);
        if (f.Outage is { } outage && ctx.Ongoing) findings.Add(Outage(outage, now));
        if (OtpLockFinding(f, now) is { } locked) findings.Add(locked);
        if (BothChannelsFailed(ctx) is { } unreachable)
        {
            findings.Add(unreachable);
        }
        else
        {
            findings.AddRange(EmailFindings(ctx, LinkMessages(f, Channel.Email)));
            findings.AddRange(SmsFindings(ctx, LinkMessages(f, Channel.Sms)));
        }
        if (f.OpenedAt is { } opened)
        {
            findings.Add(new Finding(DiagnosisCodes.Received, Severity.Info,
                $"Le lien de signature a été ouvert il y a {now.Ago(opened)} : le client a bien reçu sa demande.",
                ctx.Ongoing ? "Rien à faire ; relancez-le si la signature tarde (Relancer le client)." : "Rien à faire.",
                ctx.Ongoing ? ActionKinds.Remind : null));
        }
        return Ordered(findings);
    }

    private sealed record Context(DiagnosisFacts Facts, DiagnosisClock Now, bool Ongoing, bool Opened, EmailCheck EmailCheck,
        MobileCheck MobileCheck)
    {
        /// <summary>Over all the signer's messages, not the newest one.</summary>
        public ChannelHealth Health { get; } = ChannelHealth.Of(Facts.Email, Facts.Mobile, Facts.Notifications);

        /// <summary>Advice to wait or to remind makes sense only while the client has not opened the link and can still sign.</summary>
        public bool Waiting => Ongoing && !Opened;

        /// <summary>A failure of a message whose link the client opened anyway (through the other channel) is a warning, not an error.</summary>
        public Severity FailureSeverity => Opened ? Severity.Warning : Severity.Error;

        public bool OurSideIsDown => Facts.Outage is not null && Ongoing;
    }

    /// <summary>The messages that carry the signing link, oldest first.</summary>
    private static List<IMessageFacts> LinkMessages(DiagnosisFacts f, Channel channel) =>
        f.Notifications.Where(n => n.Channel == channel && n.Purpose is Purpose.Invitation or Purpose.Reminder)
            .OrderBy(n => n.CreatedAt).ToList();

    // ---- email -------------------------------------------------------------------------------------------------

    private static IEnumerable<Finding> EmailFindings(Context c, List<IMessageFacts> messages)
    {
        // Refused after an earlier message arrived (a complaint, a new block): the client has the link in their mailbox,
        // even though no further email should go there.
        if (c.Health.EmailBad is { } bad && !(bad.FailureKind is DeliveryFailure.Blocked or DeliveryFailure.SpamComplaint
                                               && messages.Any(m => m.Status == DeliveryStatus.Delivered && m.CreatedAt <= bad.CreatedAt)))
        {
            // A later reminder (in transit, or even sent) does not hide that the address does not exist.
            if (EmailFailure(c, bad) is { } known) yield return known;
            yield break;
        }
        if (messages.Count == 0) yield break;
        // One delivered message is enough: the client has the link in their mailbox.
        if (messages.FirstOrDefault(n => n.Status == DeliveryStatus.Delivered) is { } delivered)
        {
            var at = FirstAt(delivered, DeliveryStatus.Delivered);
            if (c.Waiting && c.Now.AtLeast(at, UnopenedAfter))
            {
                yield return new Finding(DiagnosisCodes.EmailNotOpened, Severity.Warning,
                    $"L'email a été remis à la messagerie de {delivered.To} il y a {c.Now.Ago(at)}, mais le lien n'a pas été ouvert.",
                    "Demandez au client de regarder dans ses courriers indésirables (spam), puis relancez-le si besoin (Relancer le client).",
                    ActionKinds.Remind);
            }
            yield break;
        }

        var n = messages[^1];
        switch (n.Status)
        {
            case DeliveryStatus.Queued or DeliveryStatus.Sending:
                if (c.Waiting && !c.OurSideIsDown) yield return InTransit(n, c.Now);
                break;
            case DeliveryStatus.Deferred when n.FailureKind == DeliveryFailure.ProviderError:
                if (c.Waiting && !c.OurSideIsDown) yield return InTransit(n, c.Now);
                break;
            case DeliveryStatus.Deferred:
                if (c.Waiting)
                {
                    var since = FirstAt(n, DeliveryStatus.Deferred);
                    yield return new Finding(DiagnosisCodes.EmailDeferred, Severity.Warning,
                        $"La messagerie de {n.To} retarde la remise de l'email depuis {c.Now.Ago(since)}{Detail(LastDetail(n))}.",
                        "Certains opérateurs mettent jusqu'à 24 h à remettre un email : patientez. Le SMS porte le même lien.",
                        ActionKinds.Wait);
                }
                break;
            case DeliveryStatus.Sent:
                // SMTP reports failures only: accepted and no bounce after a day is as good as delivered.
                var sent = FirstAt(n, DeliveryStatus.Sent);
                if (!c.Waiting) break;
                if (c.Now.AtLeast(sent, UnopenedAfter))
                {
                    yield return new Finding(DiagnosisCodes.EmailNotOpened, Severity.Warning,
                        $"L'email à {n.To} est parti il y a {c.Now.Ago(sent)} sans aucun retour d'erreur, mais le lien n'a pas été ouvert.",
                        "Demandez au client de regarder dans ses courriers indésirables (spam), puis relancez-le si besoin (Relancer le client).",
                        ActionKinds.Remind);
                }
                else
                {
                    yield return InTransit(n, c.Now);
                }
                break;
            case DeliveryStatus.Failed:
                if (EmailFailure(c, n) is { } failure) yield return failure;
                break;
            case DeliveryStatus.Delivered:
                break; // handled above
        }
    }

    private static Finding? EmailFailure(Context c, IMessageFacts n)
    {
        const string correct = "Corrigez l'adresse : annulez et relancez avec la bonne adresse (Nouvelle procédure corrigée).";
        const string another = "L'opérateur bloque nos emails : demandez au client une autre adresse (Nouvelle procédure corrigée). " +
                               "En attendant, le SMS porte le même lien.";
        var suggestion = c.EmailCheck.Suggestion;
        var severity = c.FailureSeverity;
        return n.FailureKind switch
        {
            DeliveryFailure.MailboxUnknown => new Finding(DiagnosisCodes.EmailHardBounce, severity,
                $"L'adresse {n.To} n'existe pas (boîte inconnue).", correct, ActionKinds.CorrectAndRelaunch, suggestion),
            DeliveryFailure.DomainUnknown => new Finding(DiagnosisCodes.EmailHardBounce, severity,
                $"L'adresse {n.To} n'existe pas : le domaine « {Domain(n.To)} » ne reçoit pas d'email.", correct,
                ActionKinds.CorrectAndRelaunch, suggestion),
            DeliveryFailure.InvalidAddress => new Finding(DiagnosisCodes.EmailHardBounce, severity,
                $"L'adresse {n.To} a été refusée comme invalide.", correct, ActionKinds.CorrectAndRelaunch, suggestion),
            DeliveryFailure.Blocked => new Finding(DiagnosisCodes.EmailBlocked, severity,
                $"La messagerie de {n.To} a refusé notre email : filtre anti-spam ou règle de l'opérateur{Detail(n.Error)}.",
                another, ActionKinds.CorrectAndRelaunch),
            DeliveryFailure.SpamComplaint => new Finding(DiagnosisCodes.EmailBlocked, severity,
                $"Notre email à {n.To} a été signalé comme indésirable : cette messagerie ne reçoit plus nos emails.",
                another, ActionKinds.CorrectAndRelaunch),
            DeliveryFailure.ProviderError when c.OurSideIsDown => null,
            DeliveryFailure.ProviderError => !c.Waiting ? null : new Finding(DiagnosisCodes.EmailFailed, severity,
                $"L'email à {n.To} n'a pas pu partir de Paraphe malgré plusieurs tentatives{Detail(n.Error)}.",
                "Le SMS porte le même lien ; relancez le client plus tard (Relancer le client).", ActionKinds.Remind),
            DeliveryFailure.None or DeliveryFailure.Other or DeliveryFailure.SmsUnknownNumber or DeliveryFailure.SmsLandline
                or DeliveryFailure.SmsUnreachable or DeliveryFailure.SmsFiltered => !c.Waiting ? null
                : new Finding(DiagnosisCodes.EmailFailed, severity,
                    $"L'email à {n.To} n'a pas été remis{Detail(n.Error)}.",
                    "Vérifiez l'adresse avec le client : si elle est fausse, annulez et relancez avec la bonne (Nouvelle procédure corrigée). " +
                    "Le SMS porte le même lien.", ActionKinds.CorrectAndRelaunch),
        };
    }

    // ---- contact checks, mode, outage -------------------------------------------------------------------------

    private static Finding? EmailCheckFinding(EmailCheck check, string email, bool launched)
    {
        if (check.Ok || check.Code is null) return null;
        var (action, kind) = launched
            ? ("Annulez et relancez avec la bonne adresse (Nouvelle procédure corrigée).", ActionKinds.CorrectAndRelaunch)
            : check.Suggestion is not null
                ? ($"Vérifiez avec le client et corrigez l'adresse ({check.Suggestion}) avant de lancer.", ActionKinds.UseSuggestion)
                : ("Corrigez l'adresse email du client avant de lancer la procédure.", (string?)null);
        var message = check.Code switch
        {
            CheckCodes.EmailSuspectedTypo => $"L'adresse {email} semble mal saisie : vouliez-vous dire {check.Suggestion} ?",
            CheckCodes.EmailMissing => "Le signataire n'a pas d'adresse email : il ne peut pas recevoir l'email de signature.",
            _ => $"L'adresse « {email} » n'est pas valide : {Lower(check.Message)}",
        };
        return new Finding(check.Code, Severity.Error, message, action, kind, check.Suggestion);
    }

    private static Finding? MobileCheckFinding(MobileCheck check, string mobile, bool launched)
    {
        if (check.Ok || check.Code is null) return null;
        var (action, kind) = launched
            ? ("Annulez et relancez avec le bon numéro (Nouvelle procédure corrigée).", ActionKinds.CorrectAndRelaunch)
            : check.Suggestion is not null
                ? ($"Corrigez le numéro du client ({PhoneDisplay.Format(check.Suggestion)}) avant de lancer.", ActionKinds.UseSuggestion)
                : ("Corrigez le numéro de mobile du client avant de lancer la procédure.", (string?)null);
        var message = check.Code == CheckCodes.MobileMissing
            ? "Le signataire n'a pas de numéro de mobile : il ne peut pas recevoir le SMS de signature."
            : $"« {mobile} » : {Lower(check.Message)}";
        return new Finding(check.Code, Severity.Error, message, action, kind, check.Suggestion);
    }

    private static Finding ModeFinding(DiagnosisFacts f)
    {
        var waiting = f.SignerStatus == SignerStatus.Pending && f.ProcedureStatus is ProcedureStatus.Draft or ProcedureStatus.Ongoing;
        var severity = waiting ? Severity.Warning : Severity.Info;
        const string remote = "Pour un envoi par email et SMS, créez la procédure en mode « Plus tard par email ».";
        return f.Mode switch
        {
            ProcedureMode.InPerson => InPersonModeFinding(f, severity, remote),
            ProcedureMode.Manual => new Finding(DiagnosisCodes.ModeManual, severity,
                "Mode « Marquer comme signé » : aucun email ni SMS n'est envoyé pour signer, la signature se fait sur papier. " +
                "Le document scellé est ensuite envoyé par email à chacun.",
                f.SignerStatus == SignerStatus.Signed ? "Rien à faire : la procédure est marquée signée."
                    : $"Marquez la procédure signée une fois le papier signé. {remote}"),
            ProcedureMode.Remote => throw new InvalidOperationException("Le mode à distance envoie des messages."),
        };
    }

    private static Finding NotLaunched(ProcedureMode mode) => new(DiagnosisCodes.NotLaunched, Severity.Warning,
        "La procédure est en brouillon : rien n'a encore été envoyé.",
        mode == ProcedureMode.Remote
            ? "Lancez la procédure pour envoyer l'email et le SMS de signature."
            : "Lancez la procédure.",
        ActionKinds.Launch);

    private static Finding Outage(ProviderOutage o, DiagnosisClock now) => new(DiagnosisCodes.ProviderOutage, Severity.Error,
        $"Aucun message de cette procédure n'a pu partir de Paraphe depuis {now.Ago(o.Since)} : " +
        $"problème d'envoi de notre côté{Detail(o.Error)}.",
        o.NextAttemptAt is { } next
            ? $"Rien à faire de votre côté : Paraphe réessaie automatiquement (prochain essai {now.In(next)}). Si cela dure, contactez le support."
            : "Paraphe a abandonné l'envoi : contactez le support, puis relancez le client (Relancer le client).",
        o.NextAttemptAt is null ? ActionKinds.Remind : ActionKinds.Wait);

    private static Finding InTransit(IMessageFacts n, DiagnosisClock now)
    {
        var what = n.Channel switch { Channel.Email => "L'email", Channel.Sms => "Le SMS" };
        var message = n.Status switch
        {
            DeliveryStatus.Sent => $"{what} à {n.To} est parti il y a {now.Ago(FirstAt(n, DeliveryStatus.Sent))} ; accusé de remise pas encore reçu.",
            DeliveryStatus.Deferred when n.FailureKind == DeliveryFailure.ProviderError =>
                $"{what} à {n.To} n'est pas encore parti : Paraphe réessaie {now.In(n.NextAttemptAt)}{Detail(n.Error)}.",
            DeliveryStatus.Deferred => $"{what} à {n.To} est en cours d'acheminement chez l'opérateur{Detail(LastDetail(n))}.",
            DeliveryStatus.Queued or DeliveryStatus.Sending or DeliveryStatus.Delivered or DeliveryStatus.Failed =>
                $"{what} à {n.To} est en cours d'envoi.",
        };
        return new Finding(DiagnosisCodes.InTransit, Severity.Info, message, "Rien à faire pour l'instant.", ActionKinds.Wait);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /// <summary>Error first, then warning, then info; one finding per code (the most severe).</summary>
    private static List<Finding> Ordered(IEnumerable<Finding> findings) =>
        findings.OrderByDescending(f => f.Severity).DistinctBy(f => f.Code).ToList();

    private static DateTime FirstAt(IMessageFacts n, params DeliveryStatus[] statuses) =>
        n.Events.Where(e => statuses.Contains(e.Status)).Select(e => (DateTime?)e.At).Min() ?? n.UpdatedAt;

    /// <summary>The newest event's words, whatever order the events were read in (stored ids grow; unsaved ones, id 0,
    /// come last): PostgreSQL returns a message's included events in no set order, the list's rows by id.</summary>
    private static string? LastDetail(IMessageFacts n)
    {
        IDeliveryEventFacts? last = null;
        foreach (var e in n.Events)
            if (last is null || e.Id == 0 || (last.Id != 0 && e.Id > last.Id)) last = e;
        return last?.Detail;
    }

    private static string Detail(string? detail) => string.IsNullOrWhiteSpace(detail) ? "" : $" ({detail.Trim()})";

    private static string Lower(string? sentence) =>
        string.IsNullOrEmpty(sentence) ? "" : char.ToLowerInvariant(sentence[0]) + sentence[1..];

    private static string Domain(string address) => address[(address.LastIndexOf('@') + 1)..];

    /// <summary>"12 min", "26 h", "3 jours": relative, so no time zone is needed.</summary>
    internal static string Ago(TimeSpan d)
    {
        if (d < TimeSpan.Zero) d = TimeSpan.Zero;
        return d.TotalMinutes < 1 ? "moins d'une minute"
            : d.TotalHours < 1 ? $"{(int)d.TotalMinutes} min"
            : d.TotalHours < 48 ? $"{(int)d.TotalHours} h"
            : $"{(int)d.TotalDays} jours";
    }

    internal static string In(TimeSpan d) => d <= TimeSpan.Zero ? "dans un instant" : $"dans {Ago(d)}";
}
