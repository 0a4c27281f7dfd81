using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// `GET /api/v1/procedures` answered from its items' JSON (built now or kept by <see cref="ListedItemCache"/>), or from a
/// whole page's body kept by <see cref="ListedPageCache"/>: the bytes <c>TypedResults.Ok(Paged&lt;ProcedureResponse&gt;)</c>
/// writes — the same object, property names and order, no spaces — and the same OpenAPI description (tests
/// `ProcedureList`, `ProcedureListCache`); gzip-compressed for a client that accepts it (<see cref="ListedBody"/>, test
/// `ProcedureListGzip`).
/// </summary>
public sealed class ListedPage(ListedBody body, bool kept = false, bool joined = false) : IResult, IEndpointMetadataProvider
{
    /// <summary>Whether the body is a whole page kept by <see cref="ListedPageCache"/> (no item read or built).</summary>
    public bool Kept => kept;

    /// <summary>Whether its stamps came from a read shared with concurrent requests of the same page (<see cref="ListedStampReads"/>).</summary>
    public bool Joined => joined;

    /// <summary>The page's body around its items' JSON, in one array of its exact size: what a <c>Utf8JsonWriter</c>
    /// without indentation writes for the object (<c>{"items":[…],"page":…,"page_size":…,"total":…}</c>).</summary>
    public static byte[] Write(IReadOnlyList<byte[]> items, int page, int pageSize, int total, JsonSerializerOptions options)
    {
        var names = options.PropertyNamingPolicy;
        string Name(string property) => names?.ConvertName(property) ?? property;
        var head = Encoding.UTF8.GetBytes($"{{\"{Name(nameof(Paged<object>.Items))}\":[");
        var tail = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"],\"{Name(nameof(Paged<object>.Page))}\":{page},\"{Name(nameof(Paged<object>.PageSize))}\":{pageSize},\"{Name(nameof(Paged<object>.Total))}\":{total}}}"));
        var body = new byte[head.Length + tail.Length + items.Sum(x => x.Length) + Math.Max(0, items.Count - 1)];
        head.CopyTo(body, 0);
        var at = head.Length;
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) body[at++] = (byte)',';
            items[i].CopyTo(body, at);
            at += items[i].Length;
        }
        tail.CopyTo(body, at);
        return body;
    }

    public async Task ExecuteAsync(HttpContext http)
    {
        var gzip = body.Raw.Length >= ListedBody.MinGzipBytes && ListedBody.Accepted(http.Request);
        var bytes = gzip ? body.Gzip : body.Raw;
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (gzip) http.Response.Headers.ContentEncoding = "gzip";
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Describe<Ok<Paged<ProcedureResponse>>>(method, builder);

    private static void Describe<T>(MethodInfo method, EndpointBuilder builder) where T : IEndpointMetadataProvider =>
        T.PopulateMetadata(method, builder);
}
