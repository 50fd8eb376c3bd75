using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace ActorGameServer.Protocol;

/// <summary>
/// Reads top-level fields of a request's <c>message</c>, which the envelope parser has already
/// validated. Values come back as strings, integers, or verbatim JSON; anything else is "absent",
/// which the caller reports as <c>bad_request</c>.
/// </summary>
public static class MessageFields
{
    public static bool TryGetString(RawJson message, string name, [NotNullWhen(true)] out string? value)
    {
        value = null;
        var reader = new Utf8JsonReader(message.Utf8);
        if (MoveToValue(ref reader, name) && reader.TokenType == JsonTokenType.String)
        {
            value = reader.GetString();
        }

        return value is not null;
    }

    public static bool TryGetInt64(RawJson message, string name, out long value)
    {
        value = 0;
        var reader = new Utf8JsonReader(message.Utf8);
        return MoveToValue(ref reader, name) && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value);
    }

    /// <summary>The field's value exactly as sent, or null when it is absent.</summary>
    public static RawJson? GetRaw(RawJson message, string name)
    {
        var reader = new Utf8JsonReader(message.Utf8);
        if (!MoveToValue(ref reader, name))
        {
            return null;
        }

        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return new RawJson(message.Utf8[start..(int)reader.BytesConsumed].ToArray());
    }

    /// <summary>Positions the reader on the value of the top-level property <paramref name="name"/>.</summary>
    private static bool MoveToValue(ref Utf8JsonReader reader, string name)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var matches = reader.ValueTextEquals(name);
            reader.Read();
            if (matches)
            {
                return true;
            }

            reader.Skip();
        }

        return false;
    }
}
