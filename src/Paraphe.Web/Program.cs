using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Features.Alerts;
using Paraphe.Web.Features.Audit;
using Paraphe.Web.Features.Completion;
using Paraphe.Web.Features.Contacts;
using Paraphe.Web.Features.DevOutbox;
using Paraphe.Web.Features.Documents;
using Paraphe.Web.Features.Notifications;
using Paraphe.Web.Features.Notifications.Callbacks;
using Paraphe.Web.Features.Notifications.Email.Brevo;
using Paraphe.Web.Features.Notifications.Sms;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Features.Sessions;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Features.Verification;
using Paraphe.Web.Features.Webhooks;
using Paraphe.Web.Pages;
using Paraphe.Web.Pages.Sign;
using Paraphe.Web.Platform;
using Paraphe.Web.Platform.Configuration;
using Paraphe.Web.Platform.Storage;
using Paraphe.Web.Platform.Observability;

StartupFailure.ExitCleanlyOnInvalidConfiguration();
var command = AgencyCommands.IsCommand(args);
var builder = WebApplication.CreateBuilder(command ? [] : args);

builder.AddPlatform();
builder.AddDocumentStorage();
builder.AddDatabase();
builder.AddNotifications();
builder.AddProcedures();
builder.AddSealing();
builder.AddCompletion();
builder.AddVerification();
builder.AddLinkRateLimits();
builder.AddAgentUi();
builder.AddSessions();
builder.AddAgencySettings();
builder.AddWebhooks();
builder.AddLogRedaction();
builder.AddObservability();

var app = builder.Build();
await app.PrepareDatabaseAsync();
if (command) return await AgencyCommands.RunAsync(app.Services, args, Console.Out, Console.Error);

app.UseRedactedRequestLogging();
app.UsePlatform(); // rate limiter included
app.UseRenderedSigningPages(); // an opened link's page as Razor rendered it (issue 12)
app.MapPlatform();
app.MapObservability();

var api = app.MapGroup("/api/v1").RequireAuthorization(Platform.ApiPolicy);
api.MapContactsApi();
api.MapDocumentsApi();
api.MapProceduresApi();
api.MapInPersonApi();
api.MapSignedDocumentApi();
api.MapAuditApi();
api.MapDevOutboxApi();
api.MapSigningApi();
api.MapAlertsApi();
api.MapAgencySettingsApi();
api.MapWebhooksApi();

var callbacks = app.MapCallbacks();
callbacks.MapSmsCallbacks();
callbacks.MapBrevoEmailCallbacks();

app.MapDownloads();
app.MapVerification();
app.MapRazorPages();

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
