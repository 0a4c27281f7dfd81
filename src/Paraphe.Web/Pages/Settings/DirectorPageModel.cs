using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Paraphe.Data;
using Paraphe.Web.Features.Agencies;

namespace Paraphe.Web.Pages.Settings;

/// <summary>« Paramètres de l'agence »: the director's pages. Anyone else gets the French 403 page, read from the database each time.</summary>
public abstract class DirectorPageModel(ParapheDbContext db) : AgentPageModel(db)
{
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!await DirectorOnly.IsDirectorAsync(Db, User, HttpContext.RequestAborted))
        {
            await Platform.ErrorPage.WriteAsync(HttpContext, StatusCodes.Status403Forbidden,
                "Les paramètres de l'agence sont réservés à la direction. Demandez à un directeur de l'agence de faire ce changement.");
            context.Result = new EmptyResult();
            return;
        }
        await next();
    }
}
