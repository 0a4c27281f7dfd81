namespace Paraphe.Web.Features.Notifications.Email;

public enum SmtpSecurity { None, StartTls, Tls }

/// <summary>`Paraphe:Email:Smtp`: the SMTP server that sends Paraphe's email (used when `Paraphe:Email:Provider` = `smtp`).</summary>
public sealed class SmtpOptions
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 25;
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>`none`, `starttls` (upgrade after connecting, typically port 587) or `tls` (TLS from the start, port 465).</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;
    /// <summary>Accept any server certificate (self-signed test servers). Never in production.</summary>
    public bool AcceptAnyCertificate { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>`Paraphe:Email` (bounce part): the VERP return address and the DSN listener.</summary>
public sealed class BounceOptions
{
    /// <summary>e.g. `bounces@paraphe.example`; each email's envelope sender is `bounces+&lt;notification_id&gt;@paraphe.example`.</summary>
    public string? BounceAddress { get; set; }
    public BounceListenerOptions BounceListener { get; set; } = new();
}

/// <summary>`Paraphe:Email:BounceListener`: the SMTP port on which Paraphe receives DSNs.</summary>
public sealed class BounceListenerOptions
{
    /// <summary>0 = off.</summary>
    public int Port { get; set; }
    public string Host { get; set; } = "127.0.0.1";
    public int MaxMessageBytes { get; set; } = 1024 * 1024;
}
