using System.IO.Compression;
using System.Net;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>
/// `GET /api/v1/procedures` answers gzip to a client that accepts it (<see cref="ListedBody"/>): the same JSON once
/// decompressed, built or kept, with `Vary: Accept-Encoding` on every answer; a refused or unnamed gzip, or a body under
/// <see cref="ListedBody.MinGzipBytes"/>, is sent as it is.
/// </summary>
public abstract class ProcedureListGzip(ParapheApp app)
{
    private const string Page = "/api/v1/procedures?page=1&page_size=50";

    public static TheoryData<string, bool> AcceptEncodings => new()
    {
        { "gzip", true },
        { "gzip, deflate, br", true },
        { "br;q=1.0, gzip;q=0.8", true },
        { "*", true },
        { "GZIP", true },
        { "gzip;q=0", false },
        { "*;q=0.5, gzip;q=0", false },
        { "br", false },
        { "identity", false },
        { "*;q=0", false },
        { "", false },
    };

    [Theory]
    [MemberData(nameof(AcceptEncodings))]
    public async Task TheListIsGzippedExactlyWhenTheClientAcceptsIt(string acceptEncoding, bool gzipped)
    {
        var api = await AgencyWithDraftsAsync();
        var (plainHeaders, plain) = await GetAsync(api, null);
        Assert.Null(plainHeaders.ContentEncoding);
        Assert.True(plain.Length > ListedBody.MinGzipBytes, $"the page is {plain.Length} bytes, too small to test gzip");

        // Twice: the first builds the page (or finds it kept by the plain request), the second is served kept.
        for (var round = 0; round < 2; round++)
        {
            var (headers, body) = await GetAsync(api, acceptEncoding);
            Assert.Contains("Accept-Encoding", headers.Vary);
            Assert.Equal(body.Length, headers.ContentLength);
            if (gzipped)
            {
                Assert.Equal(["gzip"], headers.ContentEncoding ?? []);
                Assert.True(body.Length < plain.Length / 3, $"gzip gave {body.Length} bytes for {plain.Length}");
                Assert.Equal(plain, Gunzip(body));
            }
            else
            {
                Assert.Null(headers.ContentEncoding);
                Assert.Equal(plain, body);
            }
        }
    }

    public static TheoryData<string> OddAcceptEncodings => new()
    {
        "gzip;q=abc", "gzip;q=2", ";;;,,,", "gzip;q=0.5;q=0", "x-gzip", "gzip, gzip;q=0", "\"gzip\"", new string('g', 6000),
        string.Join(", ", Enumerable.Repeat("gzip;q=0.1", 500)),
    };

    [Theory]
    [MemberData(nameof(OddAcceptEncodings))]
    public async Task AnOddAcceptEncodingStillGetsTheListEitherWay(string acceptEncoding)
    {
        var api = await AgencyWithDraftsAsync();
        var (_, plain) = await GetAsync(api, null);
        var (headers, body) = await GetAsync(api, acceptEncoding);
        Assert.Equal(plain, headers.ContentEncoding is null ? body : Gunzip(body));
    }

    [Fact]
    public async Task ASmallPageIsSentAsItIsEvenToAGzipClient()
    {
        var (_, api) = await app.CreateAgencyAsync($"Agence Vide {Guid.NewGuid():N}"[..24]);
        var (headers, body) = await GetAsync(api, "gzip");
        Assert.Null(headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", headers.Vary);
        Assert.StartsWith("{\"items\":[]", System.Text.Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    /// <summary>An agency of its own with three drafts: a list page over 1 KB that nothing else changes meanwhile.</summary>
    private async Task<Api> AgencyWithDraftsAsync()
    {
        var (_, api) = await app.CreateAgencyAsync($"Agence Gzip {Guid.NewGuid():N}"[..24]);
        for (var i = 0; i < 3; i++) await api.DraftAsync("remote", signers: 2);
        return api;
    }

    private static async Task<(Headers Headers, byte[] Body)> GetAsync(Api api, string? acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Page);
        if (acceptEncoding is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        using var response = await api.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        var encoding = response.Content.Headers.ContentEncoding.ToArray();
        return (new Headers(encoding.Length == 0 ? null : encoding, response.Headers.Vary.ToArray(), response.Content.Headers.ContentLength), body);
    }

    private sealed record Headers(string[]? ContentEncoding, string[] Vary, long? ContentLength);

    private static byte[] Gunzip(byte[] body)
    {
        using var zip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var output = new MemoryStream();
        zip.CopyTo(output);
        return output.ToArray();
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ProcedureListGzipOnSqlite(SqliteApp app) : ProcedureListGzip(app);

[Collection(PostgresCollection.Name)]
public sealed class ProcedureListGzipOnPostgres(PostgresApp app) : ProcedureListGzip(app);
