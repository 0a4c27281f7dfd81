namespace Paraphe.Web.Features.Sealing;

/// <summary>The `Paraphe:Sealing` configuration section (see README: Configuration).</summary>
public sealed class SealingOptions
{
    public const string Section = "Paraphe:Sealing";

    /// <summary>PKCS#12 (.pfx/.p12) holding the platform seal certificate with its private key and, ideally, its chain.
    /// When empty, a development CA and seal certificate are generated into `&lt;DataDirectory&gt;/sealing/`.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of <see cref="CertificatePath"/>; never logged.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>RFC 3161 timestamp authority. When set, every seal carries a signature timestamp (PAdES B-T) and
    /// sealing fails if the authority does not answer correctly.</summary>
    public string? TsaUrl { get; set; }

    /// <summary>How long to wait for the timestamp authority.</summary>
    public TimeSpan TsaTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Reason written in the signature dictionary.</summary>
    public string Reason { get; set; } = "Scellé par Paraphe";

    public string? Location { get; set; }

    public string? ContactInfo { get; set; }
}
