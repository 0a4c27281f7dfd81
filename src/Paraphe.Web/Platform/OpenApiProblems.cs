using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Paraphe.Domain;

namespace Paraphe.Web.Platform;

/// <summary>
/// Every error an operation can answer, declared in the OpenAPI document: each status as an
/// `application/problem+json` response whose `code` is an enum of the stable codes (also listed in the description).
/// One table, keyed by method and route pattern, instead of annotations scattered over every endpoint; what holds
/// for all operations of a kind (authenticated, with a route parameter, a write) is added by rule.
/// </summary>
public static class OpenApiProblems
{
    private const string Dev = "api/v1/dev/outbox";

    private static readonly string[] Signing =
        [ErrorCodes.LinkGone, ErrorCodes.InvalidTransition, ErrorCodes.ValidationFailed, ErrorCodes.OtpLocked, ErrorCodes.NotSignerTurn];
    /// <summary>What a personal link's routes add: the per-link rate limit.</summary>
    private static readonly string[] Link = [ErrorCodes.LinkGone, Problems.RateLimited];
    private static readonly string[] OtpRequest = [ErrorCodes.OtpNotEnabled, ErrorCodes.OtpSendLimit, .. Signing];
    private static readonly string[] OtpCheck =
        [ErrorCodes.OtpRequired, ErrorCodes.OtpInvalid, ErrorCodes.OtpExpired, ErrorCodes.OtpAttemptsExceeded, ErrorCodes.NoSigningAuthority,
        ErrorCodes.InvalidSignatureImage, .. Signing];
    private static readonly string[] Draft = [ErrorCodes.ValidationFailed, ErrorCodes.ProcedureLocked, ErrorCodes.InvalidTransition];
    private static readonly string[] Callback =
    [
        Features.Notifications.Sms.TwilioStatusCallback.InvalidSignature, Features.Notifications.Sms.BrevoSmsWebhook.InvalidCredentials,
        Features.Notifications.Email.Brevo.BrevoEmailWebhook.UnauthorizedCallback,
    ];

    /// <summary>The codes specific to one operation ("METHOD route"), besides those added by rule.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Table = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["POST api/v1/contacts"] = [ErrorCodes.ValidationFailed],
        ["PATCH api/v1/contacts/{id}"] = [ErrorCodes.ValidationFailed],
        ["GET api/v1/contacts"] = [ErrorCodes.ValidationFailed],
        ["POST api/v1/documents"] = [ErrorCodes.ValidationFailed, Problems.InvalidDocument, Problems.DocumentTooLarge],
        ["POST api/v1/procedures"] = [ErrorCodes.ValidationFailed, ErrorCodes.NoSigningAuthority, ErrorCodes.NotFound, ErrorCodes.InvalidTransition],
        ["GET api/v1/procedures"] = [ErrorCodes.ValidationFailed],
        ["PATCH api/v1/procedures/{id}"] = Draft,
        ["POST api/v1/procedures/{id}/signers"] = [ErrorCodes.NoSigningAuthority, .. Draft],
        ["DELETE api/v1/procedures/{id}/signers/{signerId}"] = Draft,
        ["POST api/v1/procedures/{id}/launch"] = [ErrorCodes.NoSigningAuthority, .. Draft],
        ["POST api/v1/procedures/{id}/cancel"] = Draft,
        ["POST api/v1/procedures/{id}/signers/{signerId}/remind"] =
            [ErrorCodes.ReminderCooldown, ErrorCodes.LinkGone, ErrorCodes.NotSignerTurn, ErrorCodes.ContactUnreachable, .. Draft],
        ["POST api/v1/procedures/{id}/relaunch"] = [ErrorCodes.NoSigningAuthority, .. Draft],
        ["POST api/v1/procedures/{id}/mark-signed"] = [Problems.InvalidDocument, Problems.DocumentTooLarge, ErrorCodes.NoSigningAuthority, .. Draft],
        ["POST api/v1/procedures/{id}/in-person"] = Signing,
        ["POST api/v1/procedures/{id}/signers/{signerId}/otp"] = OtpRequest,
        ["POST api/v1/procedures/{id}/signers/{signerId}/sign-in-person"] = OtpCheck,
        ["GET api/v1/procedures/{id}/signed-document"] = [ErrorCodes.NotSealed],
        ["POST api/v1/procedures/{id}/send-to-notary"] = [ErrorCodes.NotSealed, ErrorCodes.ValidationFailed, ErrorCodes.InvalidTransition],
        [$"GET {Dev}"] = [ErrorCodes.ValidationFailed],
        [$"POST {Dev}/{{id}}/events"] = [ErrorCodes.ValidationFailed, ErrorCodes.InvalidTransition],
        ["GET api/v1/signing/{token}"] = Link,
        ["GET api/v1/signing/{token}/document"] = Link,
        ["POST api/v1/signing/{token}/otp"] = [.. OtpRequest, .. Link],
        ["POST api/v1/signing/{token}/sign"] = [.. OtpCheck, .. Link],
        ["POST api/v1/signing/{token}/decline"] = [.. Signing, .. Link],
        ["POST api/v1/procedures/{id}/sealing/retry"] = [ErrorCodes.InvalidTransition],
        ["POST api/v1/verify"] = [Problems.DocumentTooLarge, Problems.InvalidDocument, ErrorCodes.ValidationFailed, Problems.RateLimited],
        ["GET api/v1/alerts"] = [ErrorCodes.ValidationFailed],
        ["POST api/v1/alerts/read-all"] = [ErrorCodes.ValidationFailed],
        ["PUT api/v1/users/{id}/alert-preferences"] = [ErrorCodes.ValidationFailed],
        // The agency's settings (director only: an agent's key would answer `forbidden`).
        ["GET api/v1/users"] = [ErrorCodes.Forbidden],
        ["POST api/v1/users"] = [ErrorCodes.Forbidden, ErrorCodes.ValidationFailed],
        ["GET api/v1/users/{id}"] = [ErrorCodes.Forbidden],
        ["PATCH api/v1/users/{id}"] = [ErrorCodes.Forbidden, ErrorCodes.ValidationFailed, ErrorCodes.LastDirector],
        ["POST api/v1/users/{id}/deactivate"] = [ErrorCodes.Forbidden, ErrorCodes.LastDirector],
        ["POST api/v1/users/{id}/invitation"] = [ErrorCodes.Forbidden, ErrorCodes.InvalidTransition],
        ["GET api/v1/agency"] = [ErrorCodes.Forbidden],
        ["PATCH api/v1/agency"] = [ErrorCodes.Forbidden, ErrorCodes.ValidationFailed],
        ["GET api/v1/agency/events"] = [ErrorCodes.Forbidden],
        ["GET api/v1/api-keys"] = [ErrorCodes.Forbidden],
        ["POST api/v1/api-keys"] = [ErrorCodes.Forbidden, ErrorCodes.ValidationFailed],
        ["DELETE api/v1/api-keys/{id}"] = [ErrorCodes.Forbidden],
        ["GET api/v1/webhooks"] = [ErrorCodes.Forbidden],
        ["POST api/v1/webhooks"] = [ErrorCodes.Forbidden, ErrorCodes.ValidationFailed],
        ["GET api/v1/webhooks/{id}"] = [ErrorCodes.Forbidden],
        ["PATCH api/v1/webhooks/{id}"] = [ErrorCodes.Forbidden, ErrorCodes.ValidationFailed],
        ["DELETE api/v1/webhooks/{id}"] = [ErrorCodes.Forbidden],
        ["POST api/v1/webhooks/{id}/rotate-secret"] = [ErrorCodes.Forbidden],
        ["GET api/v1/webhooks/{id}/deliveries"] = [ErrorCodes.Forbidden],
        ["POST api/v1/webhooks/{id}/deliveries/{delivery_id}/replay"] = [ErrorCodes.Forbidden, ErrorCodes.InvalidTransition],
        ["POST callbacks/sms/twilio"] = Callback,
        ["POST callbacks/sms/brevo"] = Callback,
        ["POST callbacks/email/brevo"] = Callback,
    };

    /// <summary>Every code an operation may answer, by status.</summary>
    public static SortedDictionary<int, SortedSet<string>> For(string method, string route, bool anonymous)
    {
        // A malformed request, and a query string or form with a character nobody may send (U+0000: docs/LIMITS.md).
        var codes = new List<(int? Status, string Code)> { (null, Problems.MalformedRequest), (null, ErrorCodes.ValidationFailed) };
        var write = !HttpMethods.IsGet(method) && !HttpMethods.IsDelete(method);
        var api = !route.StartsWith("callbacks/", StringComparison.Ordinal);
        if (!anonymous) codes.Add((null, Problems.Unauthorized));
        if (route.Contains('{', StringComparison.Ordinal)) codes.Add((null, ErrorCodes.NotFound));
        if (!HttpMethods.IsGet(method) && api) codes.Add((null, Problems.ConcurrentUpdate));
        // A body of another content type than the operation reads (JSON, or a multipart form).
        if (write && api) codes.Add((StatusCodes.Status415UnsupportedMediaType, Problems.MalformedRequest));
        // Any POST of an API client (an API key makes the anonymous signing routes keyed too) may carry Idempotency-Key.
        if (HttpMethods.IsPost(method) && api)
            codes.AddRange([(null, Problems.IdempotencyInProgress), (null, Problems.IdempotencyKeyReused)]);
        if (Table.TryGetValue($"{method} {route}", out var specific)) codes.AddRange(specific.Select(c => ((int?)null, c)));
        if (Storage.StorageProblem.Routes.Contains($"{method} {route}")) codes.Add((null, Storage.StorageUnavailableException.Code));
        // Every endpoint has a body limit (docs/LIMITS.md); an upload's file over it is told as `document_too_large`.
        codes.Add((null, RequestLimits.RequestTooLarge));
        // Every operation reads the database: while it is out of reach, `503 service_unavailable` with Retry-After.
        codes.Add((null, Problems.ServiceUnavailable));

        var byStatus = new SortedDictionary<int, SortedSet<string>>();
        foreach (var (explicitStatus, code) in codes)
        {
            var status = explicitStatus ?? StatusOf(code);
            if (!byStatus.TryGetValue(status, out var set)) byStatus[status] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.Add(code);
        }
        return byStatus;
    }

    private static int StatusOf(string code) => code switch
    {
        Features.Notifications.Sms.TwilioStatusCallback.InvalidSignature or Features.Notifications.Sms.BrevoSmsWebhook.InvalidCredentials
            or Features.Notifications.Email.Brevo.BrevoEmailWebhook.UnauthorizedCallback => StatusCodes.Status403Forbidden,
        _ => Problems.StatusFor(code),
    };

    /// <summary>Adds the problem responses of <see cref="For"/> to each operation of the document.</summary>
    public static OpenApiOptions AddProblemResponses(this OpenApiOptions options)
    {
        options.AddOperationTransformer((operation, context, _) =>
        {
            var d = context.Description;
            var route = (d.RelativePath ?? "").Split('?')[0].TrimEnd('/');
            var anonymous = d.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any();
            operation.Responses ??= new OpenApiResponses();
            foreach (var (status, codes) in For(d.HttpMethod ?? "GET", route, anonymous))
            {
                var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                operation.Responses[key] = new OpenApiResponse
                {
                    Description = $"Problem (application/problem+json); `code`: {string.Join(", ", codes.Select(c => $"`{c}`"))}",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/problem+json"] = new() { Schema = Schema(codes) },
                    },
                };
            }
            return Task.CompletedTask;
        });
        return options;
    }

    /// <summary>RFC 9457 ProblemDetails with Paraphe's `code` (one of <paramref name="codes"/>) and `errors` by field.</summary>
    private static OpenApiSchema Schema(IEnumerable<string> codes) => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "code", "status", "detail" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = codes.Select(c => (JsonNode)JsonValue.Create(c)).ToList() },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
    };
}
