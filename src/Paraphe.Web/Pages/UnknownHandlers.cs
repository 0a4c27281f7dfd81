using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Paraphe.Web.Pages;

/// <summary>
/// A request that names no handler the page has (`?handler=nope`, or a POST to a page whose forms all name one) is
/// refused — 404 for an unknown handler name, 405 for a method the page does not take — instead of rendering the page
/// without running any handler, which left its model empty and ended in a 500 (issue 9, point 4).
/// Pages without any handler method (static pages) render as before.
/// </summary>
public sealed class UnknownHandlers : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HandlerMethod is not null || context.ActionDescriptor.HandlerMethods.Count == 0) return next();
        var request = context.HttpContext.Request;
        var named = context.RouteData.Values.ContainsKey("handler") || request.Query.ContainsKey("handler");
        context.Result = new StatusCodeResult(named ? StatusCodes.Status404NotFound : StatusCodes.Status405MethodNotAllowed);
        return Task.CompletedTask;
    }
}
