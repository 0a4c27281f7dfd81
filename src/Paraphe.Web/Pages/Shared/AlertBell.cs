using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Web.Features.Alerts;

namespace Paraphe.Web.Pages.Shared;

/// <summary>« Alertes » in the agent's menu, with the count of unread alerts.</summary>
public sealed class AlertBellViewComponent(ParapheDbContext db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        var user = AlertsApi.UserOf(HttpContext);
        var unread = user is null ? 0 : await db.UserAlerts.AsNoTracking().CountAsync(a => a.UserId == user && a.ReadAt == null, HttpContext.RequestAborted);
        return View(unread);
    }
}
