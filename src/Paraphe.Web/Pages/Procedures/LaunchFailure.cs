using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Paraphe.Domain;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Pages.Procedures;

/// <summary>
/// A refused launch, kept with the draft: the message and, per signer, what to fix. Launch errors name signers
/// by position (`signers[1].mobile`); they are resolved to signer ids against the very instance that was launched.
/// </summary>
public sealed partial record LaunchFailure(string Code, string Message, IReadOnlyList<LaunchFailure.SignerError> Signers, IReadOnlyList<string> Other)
{
    /// <summary>True when the draft was saved and only its launch was refused; false when nothing was saved (relaunch).</summary>
    public bool DraftKept { get; init; } = true;

    private const string Key = "launch_failure";

    public sealed record SignerError(string SignerId, string? ContactId, string Name, string Field, string Text);

    /// <param name="signers">the signers in the order the launch checked them.</param>
    public static LaunchFailure From(DomainException e, IReadOnlyList<Signer> signers)
    {
        var found = new List<SignerError>();
        var other = new List<string>();
        var ordered = signers;
        foreach (var (key, messages) in e.Errors)
        {
            var match = SignerKey().Match(key);
            var signer = match.Success && int.TryParse(match.Groups[1].Value, out var i) && i < ordered.Count ? ordered[i] : null;
            foreach (var text in messages)
            {
                if (signer is null) other.Add(text);
                else found.Add(new SignerError(signer.Id, signer.ContactId, signer.DisplayName, match.Groups[2].Value, text));
            }
        }
        return new LaunchFailure(e.Code, e.Message, found, other);
    }

    public void Keep(ITempDataDictionary tempData) => tempData[Key] = JsonSerializer.Serialize(this);

    public static LaunchFailure? Take(ITempDataDictionary tempData) =>
        tempData[Key] is string json ? JsonSerializer.Deserialize<LaunchFailure>(json) : null;

    [GeneratedRegex(@"^signers\[(\d+)\]\.?(.*)$")]
    private static partial Regex SignerKey();
}
