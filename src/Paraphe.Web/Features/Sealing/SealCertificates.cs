using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Sealing;

/// <summary>
/// The platform seal certificate (with its private key) and the certificates of its chain. Loaded from the PKCS#12
/// named by `Paraphe:Sealing:CertificatePath`, or, on an install without one, a development CA and a seal certificate
/// issued by it, generated once in the database (<see cref="PlatformSecrets"/>, so that every instance seals with the
/// same one; an older install's `&lt;DataDirectory&gt;/sealing/dev-seal.pfx` is moved there) and reused on every later
/// start. The development CA's certificate is written to `&lt;DataDirectory&gt;/sealing/dev-ca.pem` for readers to trust.
/// </summary>
public sealed class SealCertificates : IDisposable
{
    public const string DevDirectoryName = "sealing";
    public const string DevCaFileName = "dev-ca.pem";
    public const string DevSealFileName = "dev-seal.pfx";

    public SealCertificates(IOptions<ParapheOptions> platform, IOptions<SealingOptions> sealing, TimeProvider clock,
        ILogger<SealCertificates> logger, PlatformSecrets? secrets = null)
    {
        var o = sealing.Value;
        X509Certificate2Collection all;
        if (!string.IsNullOrWhiteSpace(o.CertificatePath))
        {
            all = X509CertificateLoader.LoadPkcs12CollectionFromFile(o.CertificatePath, o.CertificatePassword,
                X509KeyStorageFlags.EphemeralKeySet);
            IsDevelopment = false;
        }
        else
        {
            var directory = Path.Combine(platform.Value.ResolvedDataDirectory, DevDirectoryName);
            all = secrets is null ? LoadOrCreateDevelopment(directory, clock.GetUtcNow(), logger)
                : LoadDevelopmentFromDatabase(secrets, directory, clock.GetUtcNow(), logger);
            IsDevelopment = true;
        }

        Seal = all.FirstOrDefault(c => c.HasPrivateKey)
               ?? throw new InvalidOperationException("The sealing PKCS#12 holds no certificate with a private key.");
        if (Seal.GetRSAPrivateKey() is null)
            throw new InvalidOperationException("The seal certificate must have an RSA key.");
        Chain = new X509Certificate2Collection(all.Where(c => !ReferenceEquals(c, Seal)).ToArray());
        logger.LogInformation("Seal certificate {Subject} ({Thumbprint}), valid until {NotAfter:u}, development: {Dev}",
            Seal.Subject, Seal.Thumbprint, Seal.NotAfter.ToUniversalTime(), IsDevelopment);
    }

    /// <summary>The certificate that signs, with its private key.</summary>
    public X509Certificate2 Seal { get; }

    /// <summary>The other certificates of the chain (issuing CAs), embedded in every seal.</summary>
    public X509Certificate2Collection Chain { get; }

    /// <summary>True when the generated development CA is used (readers will not trust it unless told to).</summary>
    public bool IsDevelopment { get; }

    /// <summary>The development PKCS#12 in the database (moved from the data directory's file, or generated), its CA written beside.</summary>
    private static X509Certificate2Collection LoadDevelopmentFromDatabase(PlatformSecrets secrets, string directory,
        DateTimeOffset now, ILogger logger)
    {
        var pfxPath = Path.Combine(directory, DevSealFileName);
        var pfx = secrets.GetOrCreate(Paraphe.Data.Records.PlatformSecretNames.DevelopmentSeal,
            () => File.Exists(pfxPath) ? File.ReadAllBytes(pfxPath) : null,
            () =>
            {
                logger.LogWarning("Generating a development seal certificate: configure Paraphe:Sealing:CertificatePath in production");
                return CreateDevelopmentPfx(now);
            });
        var all = X509CertificateLoader.LoadPkcs12Collection(pfx, null, X509KeyStorageFlags.EphemeralKeySet);
        if (all.FirstOrDefault(c => !c.HasPrivateKey) is { } ca)
        {
            Directory.CreateDirectory(directory);
            var caPath = Path.Combine(directory, DevCaFileName);
            var pem = ca.ExportCertificatePem() + "\n";
            if (!File.Exists(caPath) || File.ReadAllText(caPath) != pem)
            {
                var tmp = caPath + "." + Guid.NewGuid().ToString("N") + ".tmp"; // whole or not at all, for a reader beside
                File.WriteAllText(tmp, pem);
                File.Move(tmp, caPath, overwrite: true);
            }
        }
        return all;
    }

    /// <summary>A development CA and a seal certificate issued by it, as one PKCS#12 (the seal with its key, the CA's certificate).</summary>
    private static byte[] CreateDevelopmentPfx(DateTimeOffset now)
    {
        var (ca, seal) = CreateDevelopmentPair(now);
        using (ca)
        using (seal)
        using (var caPublic = X509CertificateLoader.LoadCertificate(ca.RawData))
            return new X509Certificate2Collection { seal, caPublic }.Export(X509ContentType.Pkcs12)!;
    }

    private static X509Certificate2Collection LoadOrCreateDevelopment(string directory, DateTimeOffset now, ILogger logger)
    {
        var pfxPath = Path.Combine(directory, DevSealFileName);
        if (File.Exists(pfxPath)) return LoadDevelopment(directory, pfxPath);

        Directory.CreateDirectory(directory);
        {
            var pfx = CreateDevelopmentPfx(now);
            var tmp = pfxPath + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(tmp, pfx);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            try
            {
                File.Move(tmp, pfxPath, overwrite: false);
                logger.LogWarning("Generated a development seal certificate in {Directory}: configure Paraphe:Sealing:CertificatePath in production", directory);
            }
            catch (IOException) when (File.Exists(pfxPath))
            {
                File.Delete(tmp); // another process created it first: use theirs
            }
        }
        return LoadDevelopment(directory, pfxPath);
    }

    /// <summary>Loads the development PKCS#12 and (re)writes the CA certificate as PEM beside it, for readers to trust.</summary>
    private static X509Certificate2Collection LoadDevelopment(string directory, string pfxPath)
    {
        var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(pfxPath, null, X509KeyStorageFlags.EphemeralKeySet);
        var caPath = Path.Combine(directory, DevCaFileName);
        if (!File.Exists(caPath) && all.FirstOrDefault(c => !c.HasPrivateKey) is { } ca)
            File.WriteAllText(caPath, ca.ExportCertificatePem() + "\n");
        return all;
    }

    /// <summary>A development CA (10 years) and a seal certificate issued by it (5 years), RSA 3072, SHA-256.</summary>
    internal static (X509Certificate2 Ca, X509Certificate2 Seal) CreateDevelopmentPair(DateTimeOffset now)
    {
        using var caKey = RSA.Create(3072);
        var caRequest = new CertificateRequest("CN=Paraphe Development CA, O=Paraphe (development), C=FR", caKey,
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));

        using var sealKey = RSA.Create(3072);
        var sealRequest = new CertificateRequest("CN=Paraphe Seal (development), O=Paraphe (development), C=FR", sealKey,
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        sealRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        sealRequest.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        sealRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(sealRequest.PublicKey, false));
        sealRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = sealRequest.Create(ca, now.AddDays(-1), now.AddYears(5), serial);
        var seal = issued.CopyWithPrivateKey(sealKey);
        return (ca, seal);
    }

    public void Dispose()
    {
        Seal.Dispose();
        foreach (var c in Chain) c.Dispose();
    }
}
