using Paraphe.Domain.Agencies;
using Paraphe.Domain.Contacts;

namespace Paraphe.Web.Pages.Procedures;

/// <summary>One signer row of the new-procedure form; <see cref="Key"/> is its `Signers.Index` value.</summary>
/// <param name="Errors">this row's errors by what they concern ("" the signer, "email", "mobile", "role", "field"…).</param>
public sealed record SignerRowView(string Key, NewModel.SignerRow Row, IReadOnlyList<Contact> Contacts, IReadOnlyList<User> AgencySigners,
    IReadOnlyDictionary<string, string>? Errors = null)
{
    public string? Error(params string[] parts) =>
        Errors is null ? null : string.Join(" ", parts.Select(p => Errors.TryGetValue(p, out var m) ? m : null).OfType<string>()) is { Length: > 0 } s ? s : null;
}
