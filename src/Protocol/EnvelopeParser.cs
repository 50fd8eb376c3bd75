using System.Text.Json;
using System.Text.Unicode;

namespace ActorGameServer.Protocol;

/// <summary>
/// Turns one frame's payload into an <see cref="Envelope"/> in a single pass over the bytes.
/// JSON validity is judged before shape, so <c>[1,</c> is <c>bad_json</c>, not <c>bad_envelope</c>.
/// </summary>
public static class EnvelopeParser
{
    /// <summary>Either the envelope or the reason it was refused; exactly one is set.</summary>
    public readonly record struct Result(Envelope? Envelope, ProtocolError? Error);

    /// <param name="payload">The frame's bytes, header excluded.</param>
    /// <param name="maxDepth">How deeply objects and arrays may nest; the envelope itself is level 1.</param>
    public static Result Parse(ReadOnlySpan<byte> payload, int maxDepth)
    {
        if (payload.IsEmpty)
        {
            return Fail(ErrorCode.BadJson, "empty frame: the length prefix was 0");
        }

        if (!Utf8.IsValid(payload))
        {
            return Fail(ErrorCode.BadUtf8, "the frame is not valid UTF-8");
        }

        try
        {
            return ParseValidUtf8(payload, maxDepth);
        }
        catch (JsonException e)
        {
            return Fail(ErrorCode.BadJson, $"the frame is not valid JSON: {e.Message}");
        }
    }

    private static Result ParseValidUtf8(ReadOnlySpan<byte> payload, int maxDepth)
    {
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = maxDepth });
        if (!reader.Read())
        {
            return Fail(ErrorCode.BadJson, "the frame holds no JSON value");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            var kind = reader.TokenType;
            reader.Skip();
            EnsureEnd(ref reader);
            return Fail(ErrorCode.BadEnvelope, $"the frame must be a JSON object, not {Describe(kind)}");
        }

        string? cmd = null;
        var cmdSeen = false;
        RawJson? message = null;
        RawJson? id = null;
        string? problem = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isCmd = reader.ValueTextEquals("cmd"u8);
            var isMessage = !isCmd && reader.ValueTextEquals("message"u8);
            var isId = !isCmd && !isMessage && reader.ValueTextEquals("id"u8);
            var name = isCmd ? "cmd" : isMessage ? "message" : isId ? "id" : null;

            reader.Read();
            var start = (int)reader.TokenStartIndex;
            var valueType = reader.TokenType;
            if (isCmd && !cmdSeen && valueType == JsonTokenType.String)
            {
                cmd = Commands.KnownOrNull(ref reader) ?? reader.GetString();
            }

            reader.Skip();
            if (name is null)
            {
                continue; // Unknown top-level keys are allowed and ignored.
            }

            var duplicate = isCmd ? cmdSeen : isMessage ? message is not null : id is not null;
            if (duplicate)
            {
                problem ??= $"the key \"{name}\" appears more than once";
            }
            else if (isCmd)
            {
                cmdSeen = true;
                if (valueType != JsonTokenType.String)
                {
                    problem ??= $"\"cmd\" must be a string, not {Describe(valueType)}";
                }
            }
            else
            {
                // Copy just this value out of the (reused) receive buffer, verbatim.
                var raw = new RawJson(payload[start..(int)reader.BytesConsumed].ToArray());
                if (isMessage)
                {
                    message = raw;
                }
                else
                {
                    id = raw;
                }
            }
        }

        EnsureEnd(ref reader);

        if (problem is not null)
        {
            return Fail(ErrorCode.BadEnvelope, problem);
        }

        if (cmd is null)
        {
            return Fail(ErrorCode.BadEnvelope, "the object has no \"cmd\" key");
        }

        return new Result(new Envelope(cmd, message ?? RawJson.Null, id), null);
    }

    /// <summary>Anything after the single top-level value makes the reader throw, which is bad_json.</summary>
    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }

    private static Result Fail(ErrorCode code, string detail) => new(null, new ProtocolError(code, detail));

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        _ => type.ToString(),
    };
}
