using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Outbox;
using Paraphe.Web.Platform;
using Paraphe.Web.Platform.Observability;

namespace Paraphe.Web.Features.Procedures;

public static class ProceduresApi
{
    public static RouteGroupBuilder MapProceduresApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/procedures").WithTags("Procedures");

        group.MapPost("/", async Task<Created<ProcedureResponse>> (CreateProcedure.Request body, ParapheDbContext db, LaunchProcedure launcher,
            OutboxSignal outbox, HttpContext http, CancellationToken ct) =>
        {
            var p = await CreateProcedure.HandleAsync(db, http.User.AgencyId(), http.User.Actor(), body, ct, launcher);
            if (body.Launch == true) outbox.Notify();
            return TypedResults.Created($"/api/v1/procedures/{p.Id}", await p.ToResponseAsync(db, ct));
        });

        // needs_attention=true: « À corriger », the procedures whose diagnosis holds an error or whose sealing failed.
        group.MapGet("/", async Task<ListedPage> (string? status, string? q, int? page, int? page_size, bool? needs_attention,
            ParapheDbContext db, ListedItemCache cache, ListedPageCache pages, ListedStampReads stamps, IOptions<JsonOptions> json,
            ParapheMetrics metrics, CancellationToken ct) =>
        {
            var listed = await ListProcedures.PageAsync(db, cache, pages, stamps, json.Value.SerializerOptions, status, q, page, page_size,
                needs_attention, ct);
            metrics.ListPageAnswered(listed.Kept, listed.Joined);
            return listed;
        });

        group.MapGet("/{id}", async Task<Ok<ProcedureResponse>> (string id, ParapheDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await (await ProcedureMapping.FindAsync(db, id, ct)).ToResponseAsync(db, ct)));

        group.MapPatch("/{id}", async Task<Ok<ProcedureResponse>> (string id, EditDraft.UpdateRequest body, ParapheDbContext db, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok(await (await EditDraft.UpdateAsync(db, id, http.User.Actor(), body, ct)).ToResponseAsync(db, ct)));

        group.MapPost("/{id}/signers", async Task<Created<ProcedureResponse>> (string id, CreateProcedure.SignerRequest body, ParapheDbContext db, HttpContext http, CancellationToken ct) =>
            TypedResults.Created($"/api/v1/procedures/{id}",
                await (await EditDraft.AddSignerAsync(db, id, http.User.Actor(), body, ct)).ToResponseAsync(db, ct)));

        group.MapDelete("/{id}/signers/{signerId}", async Task<Ok<ProcedureResponse>> (string id, string signerId, ParapheDbContext db, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok(await (await EditDraft.RemoveSignerAsync(db, id, signerId, http.User.Actor(), ct)).ToResponseAsync(db, ct)));

        group.MapPost("/{id}/launch", async Task<Ok<ProcedureResponse>> (string id, LaunchProcedure launch, ParapheDbContext db, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok(await (await launch.HandleAsync(id, http.User.Actor(), ct)).ToResponseAsync(db, ct)));

        group.MapPost("/{id}/cancel", async Task<Ok<ProcedureResponse>> (string id, CancelProcedure.Request body, ParapheDbContext db, OutboxSignal outbox, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok(await (await CancelProcedure.HandleAsync(db, outbox, id, http.User.Actor(), body, ct)).ToResponseAsync(db, ct)));

        group.MapPost("/{id}/signers/{signerId}/remind", async Task<Accepted<ProcedureResponse>> (string id, string signerId, RemindSigner remind,
            ParapheDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var (procedure, outcome) = await remind.HandleAsync(id, signerId, http.User.Actor(), ct);
            return TypedResults.Accepted($"/api/v1/procedures/{id}", await procedure.ToResponseAsync(db, ct) with { Reminder = outcome });
        });

        group.MapPost("/{id}/relaunch", async Task<Created<ProcedureResponse>> (string id, RelaunchProcedure.Request body, RelaunchProcedure relaunch,
            ParapheDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var next = await relaunch.HandleAsync(id, http.User.Actor(), body, ct);
            return TypedResults.Created($"/api/v1/procedures/{next.Id}", await next.ToResponseAsync(db, ct));
        });

        group.MapPost("/{id}/mark-signed", async Task<Ok<ProcedureResponse>> (string id, HttpRequest request, MarkSigned mark, ParapheDbContext db, CancellationToken ct) =>
        {
            var scan = request.HasFormContentType ? (await request.ReadFormAsync(ct)).Files.GetFile("file") : null;
            return TypedResults.Ok(await (await mark.HandleAsync(id, request.HttpContext.User.Actor(), scan, ct)).ToResponseAsync(db, ct));
        }).DisableAntiforgery().WithBodyLimit(BodyLimit.FileUpload);

        return api;
    }
}
