using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Features.Notifications;

/// <summary>
/// The default provider of a fresh install: stores each message exactly as the client would receive it,
/// for the dev outbox page. Nothing leaves the machine.
/// </summary>
internal sealed class CaptureSender(Channel channel, IServiceScopeFactory scopes, TimeProvider clock) : IMessageSender
{
    public const string ProviderName = "capture";

    public string Name => ProviderName;
    public Channel Channel => channel;

    public async Task<SendReceipt> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var captured = new CapturedMessage
        {
            Id = $"cap_{Guid.CreateVersion7():N}", AgencyId = message.AgencyId, NotificationId = message.NotificationId,
            Channel = message.Channel == Channel.Email ? "email" : "sms", To = message.To,
            Subject = message.Subject, Body = message.Text, Html = message.Html, At = clock.GetUtcNow().UtcDateTime,
            Attachments = message.Attachments is { Count: > 0 } files
                ? string.Join('\n', files.Select(a => $"{a.FileName} ({a.Content.Length})"))
                : null,
        };
        db.CapturedMessages.Add(captured);
        await db.SaveChangesAsync(ct);
        return new SendReceipt(ProviderName, captured.Id);
    }
}
