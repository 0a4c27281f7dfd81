using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Web.Features.Signing;

namespace Paraphe.Web.Platform;

/// <summary>How large a request body an endpoint accepts (docs/LIMITS.md); small unless a file is uploaded.</summary>
public enum BodyLimit
{
    /// <summary>Every endpoint not marked otherwise: JSON and ordinary forms (`Paraphe:Limits:JsonKilobytes`).</summary>
    Json,
    /// <summary>A signature with its drawn image (`Paraphe:Limits:SignatureKilobytes`).</summary>
    Signature,
    /// <summary>A PDF upload: `Paraphe:MaxUploadMegabytes` plus room for the form around it.</summary>
    FileUpload,
    /// <summary>A provider's batched delivery events (Brevo sends a few hundred per call): 1 MB.</summary>
    Callback,
}

/// <summary>Marks an endpoint, or a page model, with its <see cref="BodyLimit"/>.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class BodyLimitAttribute(BodyLimit limit) : Attribute
{
    public BodyLimit Limit { get; } = limit;
}

/// <summary>
/// An anonymous endpoint reached with a signing link (`{token}` in its route): its POSTs resolve the link before a
/// byte of the body is read — an unknown link is a 404, a closed one a 410, whatever was sent with it.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class SigningTokenFirstAttribute : Attribute;

/// <summary>The `Paraphe:Limits` section.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Paraphe:Limits";

    /// <summary>Largest body of an ordinary request (JSON, forms without a file).</summary>
    public int JsonKilobytes { get; set; } = 64;

    /// <summary>Largest body of a signature (it carries the drawn image).</summary>
    public int SignatureKilobytes { get; set; } = 1024;
}

public static class RequestLimits
{
    public const string RequestTooLarge = "request_too_large";

    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section);
        return builder;
    }

    public static WebApplication UseRequestLimits(this WebApplication app)
    {
        app.UseMiddleware<RequestLimitsMiddleware>();
        return app;
    }

    /// <summary>The limit, and the 413 it may answer in the OpenAPI document.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, BodyLimit limit) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimitAttribute(limit),
            new ProducesResponseTypeMetadata(StatusCodes.Status413PayloadTooLarge, typeof(ProblemDetails), ["application/problem+json"]));

    public static long BytesFor(BodyLimit limit, LimitsOptions limits, ParapheOptions paraphe) => limit switch
    {
        BodyLimit.Json => limits.JsonKilobytes * 1024L,
        BodyLimit.Signature => limits.SignatureKilobytes * 1024L,
        BodyLimit.FileUpload => (paraphe.MaxUploadMegabytes + 1) * 1024L * 1024L,
        BodyLimit.Callback => Features.Notifications.Callbacks.CallbackBody.BrevoLimit,
    };

    /// <summary>The answer to a body over its endpoint's limit: `document_too_large` where a file is uploaded, else `request_too_large`.</summary>
    public static ProblemDetails TooLarge(HttpContext http)
    {
        // The exception handler clears the endpoint: the middleware kept its limit for this answer.
        var limit = http.Items[typeof(BodyLimit)] as BodyLimit? ?? BodyLimit.Json;
        var bytes = http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        var size = bytes is { } b ? b >= 1024 * 1024 ? $"{b / 1024 / 1024} Mo" : $"{b / 1024} Ko" : "la limite";
        if (limit == BodyLimit.FileUpload)
            return Problems.Details(Problems.DocumentTooLarge, $"Le fichier envoyé est trop volumineux (au plus {size} pour la requête entière).", status: 413);
        var problem = Problems.Details(RequestTooLarge, $"La requête est trop volumineuse (au plus {size} à cette adresse).", status: 413);
        problem.Title = "Requête trop volumineuse";
        return problem;
    }

    public static Task WriteTooLargeAsync(HttpContext http) =>
        http.Response.WriteAsJsonAsync(TooLarge(http), (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
}

/// <summary>
/// Before anything reads the body: sets the endpoint's body limit (on the server, and on the stream for hosts that
/// do not enforce it), refuses NUL and lone surrogates in route values, query strings and page forms, and resolves
/// the signing link of <see cref="SigningTokenFirstAttribute"/> endpoints.
/// </summary>
internal sealed class RequestLimitsMiddleware(RequestDelegate next, IOptions<LimitsOptions> limits, IOptions<ParapheOptions> paraphe)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var endpoint = http.GetEndpoint();
        var limit = endpoint?.Metadata.GetMetadata<BodyLimitAttribute>()?.Limit ?? BodyLimit.Json;
        http.Items[typeof(BodyLimit)] = limit;
        var max = RequestLimits.BytesFor(limit, limits.Value, paraphe.Value);
        var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = max;
        http.Request.Body = new CappedStream(http.Request.Body, max);

        RefuseOddCharacters(http);
        if (endpoint?.Metadata.GetMetadata<SigningTokenFirstAttribute>() is not null
            && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
            && !await LinkIsOpenAsync(http))
        {
            // A page: answered as its GET would be (the same « lien introuvable » or « lien expiré » page), body unread.
            http.Request.Method = HttpMethods.Get;
            http.Request.Body = Stream.Null;
            http.Request.ContentLength = 0;
            http.Request.ContentType = null;
        }
        if (http.Request.ContentLength > max)
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        if (ErrorPage.IsForPeople(http) && http.Request.HasFormContentType)
            await RefuseOddFormValuesAsync(http);
        await next(http);
    }

    private static void RefuseOddCharacters(HttpContext http)
    {
        foreach (var (key, value) in http.Request.RouteValues)
            if (value is string s && TextInput.CharacterProblem(s, multiLine: true) is { } problem)
                throw Refused(key, problem);
        foreach (var (key, values) in http.Request.Query)
        {
            if (TextInput.CharacterProblem(key, multiLine: true) is { } keyProblem) throw Refused("query", keyProblem);
            foreach (var v in values)
                if (v is not null && TextInput.CharacterProblem(v, multiLine: true) is { } problem)
                    throw Refused(key, problem);
        }
    }

    private static async Task RefuseOddFormValuesAsync(HttpContext http)
    {
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (InvalidDataException e)
        {
            throw new BadHttpRequestException($"Formulaire mal formé : {e.Message}", StatusCodes.Status400BadRequest, e);
        }
        foreach (var (key, values) in form)
            foreach (var v in values)
                if (v is not null && TextInput.CharacterProblem(v, multiLine: true) is { } problem)
                    throw Refused(key, problem);
    }

    /// <summary>False for a page whose link is unknown or closed; the API gets the 404 or 410 problem at once.</summary>
    private static async Task<bool> LinkIsOpenAsync(HttpContext http)
    {
        var token = http.Request.RouteValues["token"] as string ?? "";
        var db = http.RequestServices.GetRequiredService<ParapheDbContext>();
        try
        {
            var session = await SigningSession.ResolveAsync(db, token, http.RequestAborted);
            session.Procedure.EnsureOpenForSigning(db.UtcNow);
            return true;
        }
        catch (DomainException e) when (e.Code is ErrorCodes.NotFound or ErrorCodes.LinkGone && ErrorPage.IsForPeople(http))
        {
            return false;
        }
    }

    private static DomainException Refused(string field, string problem) =>
        new(ErrorCodes.ValidationFailed, $"{field} : {problem}", new Dictionary<string, string[]> { [field] = [problem] });
}

/// <summary>Enforces a body limit where the server does not (the test host), as Kestrel does: a 413 on the read that crosses it.</summary>
internal sealed class CappedStream(Stream inner, long max) : Stream
{
    private long read;

    private int Count(int n)
    {
        read += n;
        if (read > max) throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));
    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        Count(await inner.ReadAsync(buffer.AsMemory(offset, count), ct));
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
        Count(await inner.ReadAsync(buffer, ct));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
