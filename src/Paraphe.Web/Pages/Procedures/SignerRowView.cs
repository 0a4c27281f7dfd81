using Paraphe.Domain.Agencies;
using Paraphe.Domain.Contacts;

namespace Paraphe.Web.Pages.Procedures;

/// <summary>One signer row of the new-procedure form; <see cref="Key"/> is its `Signers.Index` value.</summary>
public sealed record SignerRowView(string Key, NewModel.SignerRow Row, IReadOnlyList<Contact> Contacts, IReadOnlyList<User> AgencySigners);
