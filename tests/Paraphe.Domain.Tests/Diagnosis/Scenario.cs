using Microsoft.Extensions.Time.Testing;
using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Domain.Tests.Procedures;

namespace Paraphe.Domain.Tests.Diagnosis;

/// <summary>
/// A procedure with a seller (the signer diagnosed) and a buyer, built with the real domain objects, and the
/// notifications the launch queued, moved along by the same calls the dispatcher and the provider callbacks make.
/// </summary>
internal sealed class Scenario
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    public FakeTimeProvider Clock { get; } = Build.Clock();
    public Procedure Procedure { get; }
    public List<Notification> Notifications { get; } = [];

    private Scenario(ProcedureMode mode, string sellerEmail, string sellerMobile, bool launch, bool otp = false,
        SigningOrder order = SigningOrder.Parallel)
    {
        Procedure = Build.Draft(mode, Clock, new Procedure.Options(mode, Otp: otp, SigningOrder: order));
        Procedure.AddSigner("ctc_lefevre", null, "vendeur", null,
            Build.Seller with { Email = sellerEmail, Mobile = sellerMobile }, Build.Agent);
        Procedure.AddSigner("ctc_moreau", null, "acquéreur", null, Build.Buyer, Build.Agent);
        if (launch) Notifications.AddRange(Procedure.Launch(Clock));
    }

    public static Scenario Launched(ProcedureMode mode = ProcedureMode.Remote, string email = "camille.lefevre@gmail.com",
        string mobile = "+33612345678") => new(mode, email, mobile, launch: true);

    public static Scenario Draft(ProcedureMode mode = ProcedureMode.Remote, string email = "camille.lefevre@gmail.com",
        string mobile = "+33612345678") => new(mode, email, mobile, launch: false);

    /// <summary>Face to face with a code by SMS, launched: nothing sent until a signer asks for their code.</summary>
    public static Scenario InPersonWithCode() =>
        new(ProcedureMode.InPerson, "camille.lefevre@gmail.com", "+33612345678", launch: true, otp: true);

    /// <summary>In the order of signature (seller first, then buyer), launched: only the seller is invited.</summary>
    public static Scenario Sequential(ProcedureMode mode = ProcedureMode.Remote) =>
        new(mode, "camille.lefevre@gmail.com", "+33612345678", launch: true, order: SigningOrder.Sequential);

    /// <summary>The agent reminds the seller (past the 2-day window): the messages Paraphe would queue are added.</summary>
    public IReadOnlyList<Notification> Remind()
    {
        Wait(TimeSpan.FromDays(2));
        var sent = Procedure.Remind(Seller.Id, Build.Agent, Now, Notifications);
        Notifications.AddRange(sent);
        return sent;
    }

    public Notification Latest(Channel channel) =>
        Notifications.Where(n => n.SignerId == Seller.Id && n.Channel == channel).OrderBy(n => n.CreatedAt).Last();

    /// <summary>The seller asks for a signing code: its SMS is queued.</summary>
    public Notification RequestCode()
    {
        var (sms, _) = Procedure.RequestOtp(Seller.Id, Build.OtpKey, Now);
        Notifications.Add(sms);
        return sms;
    }

    public Signer Seller => Procedure.SellerSigner();
    public Notification SellerEmail => Invitation(Seller, Channel.Email);
    public Notification SellerSms => Invitation(Seller, Channel.Sms);
    public Notification BuyerEmail => Invitation(Procedure.BuyerSigner(), Channel.Email);

    private Notification Invitation(Signer s, Channel c) =>
        Notifications.Single(n => n.SignerId == s.Id && n.Channel == c && n.Purpose == Purpose.Invitation);

    public DateTime Now => Clock.Now();

    public Scenario Wait(TimeSpan d)
    {
        Clock.Advance(d);
        return this;
    }

    /// <summary>The dispatcher hands every queued message to a provider, which accepts it.</summary>
    public Scenario SendAll()
    {
        foreach (var n in Notifications.Where(n => n.Status == DeliveryStatus.Queued)) Send(n);
        return this;
    }

    public Scenario Send(Notification n)
    {
        n.StartSending(Now, Lease);
        n.Accepted(n.Channel == Channel.Email ? "brevo" : "twilio", $"msg-{n.Id}", Now);
        return this;
    }

    public Scenario Deliver(Notification n)
    {
        if (n.Status == DeliveryStatus.Queued) Send(n);
        n.Delivered(Now, "remis");
        return this;
    }

    /// <summary>The provider accepted it, then reported a permanent failure.</summary>
    public Scenario Bounce(Notification n, string error, DeliveryFailure kind)
    {
        if (n.Status == DeliveryStatus.Queued) Send(n);
        n.Failed(error, Now, kind);
        return this;
    }

    /// <summary>Our side: the provider is down; the dispatcher retries later.</summary>
    public Scenario ProviderDown(Notification n, string error = "brevo : 503 Service Unavailable")
    {
        n.StartSending(Now, Lease);
        n.RetryLater(error, Now.AddMinutes(5), Now);
        return this;
    }

    public Scenario Open()
    {
        Procedure.RecordOpening(Seller.Id, "203.0.113.7", "Mozilla/5.0 (iPhone)", Now);
        return this;
    }

    public IReadOnlyList<Finding> Diagnose() => SignerDiagnosis.ForProcedure(Procedure, Notifications, Now)[Seller.Id];

    public Finding Finding(string code) => Assert.Single(Diagnose(), f => f.Code == code);
}
