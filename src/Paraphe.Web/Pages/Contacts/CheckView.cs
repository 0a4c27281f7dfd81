namespace Paraphe.Web.Pages.Contacts;

/// <summary>One check beside its field: <see cref="What"/> is also the input's id, for "Utiliser la suggestion".</summary>
public sealed record CheckView(string What, string Field, bool? Ok, string? Message, string? Suggestion);
