using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// `GET /api/v1/procedures` answered from its items' JSON (built now or kept by <see cref="ListedItemCache"/>): the bytes
/// <c>TypedResults.Ok(Paged&lt;ProcedureResponse&gt;)</c> writes — the same object, property names and order, no
/// spaces — and the same OpenAPI description (tests `ProcedureList`, `ProcedureListCache`).
/// </summary>
public sealed class ListedPage(IReadOnlyList<byte[]> items, int page, int pageSize, int total, JsonSerializerOptions options)
    : IResult, IEndpointMetadataProvider
{
    public IReadOnlyList<byte[]> Items => items;

    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        var names = options.PropertyNamingPolicy;
        string Name(string property) => names?.ConvertName(property) ?? property;
        await using (var w = new Utf8JsonWriter(http.Response.BodyWriter, new JsonWriterOptions { SkipValidation = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray(Name(nameof(Paged<object>.Items)));
            foreach (var item in items) w.WriteRawValue(item, skipInputValidation: true);
            w.WriteEndArray();
            w.WriteNumber(Name(nameof(Paged<object>.Page)), page);
            w.WriteNumber(Name(nameof(Paged<object>.PageSize)), pageSize);
            w.WriteNumber(Name(nameof(Paged<object>.Total)), total);
            w.WriteEndObject();
        }
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Describe<Ok<Paged<ProcedureResponse>>>(method, builder);

    private static void Describe<T>(MethodInfo method, EndpointBuilder builder) where T : IEndpointMetadataProvider =>
        T.PopulateMetadata(method, builder);
}
