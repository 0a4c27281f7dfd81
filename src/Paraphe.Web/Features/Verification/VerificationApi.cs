using Paraphe.Web.Platform;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Paraphe.Web.Features.Verification;

public static class VerificationApi
{
    /// <summary>`POST /api/v1/verify` (multipart `file`): public, like the « Vérifier un document » page.</summary>
    public static IEndpointRouteBuilder MapVerification(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/verify", async Task<Ok<VerificationResponse>> (IFormFile? file, VerifyDocument verify, CancellationToken ct) =>
                TypedResults.Ok(await verify.HandleAsync(file, ct)))
            .AllowAnonymous().DisableAntiforgery().RequireRateLimiting(VerificationSetup.RatePolicy).Accepts<IFormFile>("multipart/form-data").WithTags("Verification")
            .WithBodyLimit(Paraphe.Web.Platform.BodyLimit.FileUpload);
        return app;
    }
}
