using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Paraphe.Domain;

namespace Paraphe.Web.Platform;

/// <summary>
/// Every string read from a JSON body: U+0000 (which PostgreSQL refuses to store) and lone surrogates (which no
/// encoder can write) are refused wherever they are, as `422 validation_failed` naming the field from the JSON path.
/// A value of the wrong type stays a `400 malformed_request`. Length and the other character rules are the
/// use cases' (<see cref="TextInput"/>), which know the field.
/// </summary>
public sealed class RefusingStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"A string was expected, not {reader.TokenType}.");
        string value;
        try
        {
            value = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // "\ud800" escaped alone, or bytes that are not UTF-8.
            throw new RefusedJsonStringException("Caractère Unicode invalide (demi-paire isolée ou octets non UTF-8).");
        }
        if (TextInput.CharacterProblem(value, multiLine: true) is { } problem)
            throw new RefusedJsonStringException(problem);
        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>A string value refused by <see cref="RefusingStringConverter"/>; System.Text.Json fills in its <see cref="JsonException.Path"/>.</summary>
public sealed class RefusedJsonStringException(string reason) : JsonException(reason)
{
    public string Reason { get; } = reason;

    /// <summary>`$.signers[1].role` → `signers[1].role`; `$['odd name']` → `odd name`.</summary>
    public string Field => Path switch
    {
        null or "$" => "body",
        var p when p.StartsWith("$.", StringComparison.Ordinal) => p[2..],
        var p when p.StartsWith("$['", StringComparison.Ordinal) => p[3..].Replace("']", "", StringComparison.Ordinal),
        var p when p.StartsWith('$') => p[1..],
        var p => p,
    };

    public ProblemDetails ToProblem() =>
        Problems.Details(ErrorCodes.ValidationFailed, $"{Field} : {Reason}", new Dictionary<string, string[]> { [Field] = [Reason] });
}
