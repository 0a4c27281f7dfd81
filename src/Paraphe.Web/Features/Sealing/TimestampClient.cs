using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;

namespace Paraphe.Web.Features.Sealing;

/// <summary>RFC 3161 client: asks the configured authority to timestamp a signature value (PAdES B-T).</summary>
internal sealed class TimestampClient(HttpClient http, Uri authority)
{
    internal const string HttpClientName = "sealing-tsa";

    /// <summary>The encoded timestamp token (a CMS) over the signature value of <paramref name="signerInfo"/>.</summary>
    public async Task<byte[]> TimestampAsync(SignerInfo signerInfo, CancellationToken cancellationToken = default)
    {
        var request = Rfc3161TimestampRequest.CreateFromSignerInfo(signerInfo, HashAlgorithmName.SHA256,
            nonce: RandomNumberGenerator.GetBytes(8), requestSignerCertificates: true);
        using var content = new ByteArrayContent(request.Encode());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
        using var response = await http.PostAsync(authority, content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The timestamp authority answered {(int)response.StatusCode}.");
        if (response.Content.Headers.ContentType?.MediaType != "application/timestamp-reply")
            throw new InvalidOperationException(
                $"The timestamp authority answered {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not application/timestamp-reply.");
        var reply = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        // Checks the status, the nonce, the message imprint and the authority's signing certificate.
        var token = request.ProcessResponse(reply, out _);
        return token.AsSignedCms().Encode();
    }
}
