using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Web.Features.Sessions;

namespace Paraphe.Web.Pages.Procedures;

/// <summary>
/// While the agent's session is locked to a face-to-face procedure (<see cref="KioskSessions"/>), every agent page
/// answers with a redirect to that kiosk, except the kiosk itself and its document's file (shown by the viewer).
/// </summary>
public sealed class KioskLock : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        if (KioskSessions.LockedTo(http) is { } procedureId && context.HandlerInstance is AgentPageModel
            && !await AllowedAsync(context, procedureId))
        {
            context.Result = new RedirectResult($"/procedures/{Uri.EscapeDataString(procedureId)}/face-a-face");
            return;
        }
        await next();
    }

    private static async Task<bool> AllowedAsync(PageHandlerExecutingContext context, string procedureId)
    {
        var id = context.RouteData.Values["id"] as string;
        if (context.HandlerInstance is FaceAFaceModel) return id == procedureId;
        if (context.HandlerInstance is Documents.FileModel && id is not null)
        {
            var db = context.HttpContext.RequestServices.GetRequiredService<ParapheDbContext>();
            return await db.Procedures.AsNoTracking().AnyAsync(p => p.Id == procedureId && p.DocumentId == id);
        }
        return false;
    }
}
