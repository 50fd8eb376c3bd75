using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Baseline;

/// <summary>
/// Payload bytes to a <see cref="Request"/> the way a developer reaching for Newtonsoft would:
/// decode the UTF-8, load a JToken, check its shape. Where this differs from the actor server's
/// parser (lenient JSON, duplicate keys, number formatting) is listed in README.md.
/// </summary>
internal static class RequestParser
{
    // Encoding.UTF8 would quietly turn bad bytes into U+FFFD; this one throws, which is bad_utf8.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static (Request? Request, RequestError? Error) Parse(ReadOnlySpan<byte> payload, int maxDepth)
    {
        if (payload.IsEmpty)
        {
            return Fail("bad_json", "empty frame: the length prefix was 0");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(payload);
        }
        catch (DecoderFallbackException)
        {
            return Fail("bad_utf8", "the frame is not valid UTF-8");
        }

        JToken root;
        try
        {
            root = Load(text, maxDepth);
        }
        catch (JsonReaderException e)
        {
            return Fail("bad_json", $"the frame is not valid JSON: {e.Message}");
        }

        if (root is not JObject envelope)
        {
            return Fail("bad_envelope", $"the frame must be a JSON object, not {Describe(root.Type)}");
        }

        var cmdToken = envelope["cmd"];
        if (cmdToken is null)
        {
            return Fail("bad_envelope", "the object has no \"cmd\" key");
        }

        if (cmdToken.Type != JTokenType.String)
        {
            return Fail("bad_envelope", $"\"cmd\" must be a string, not {Describe(cmdToken.Type)}");
        }

        var cmd = (string)cmdToken!;

        // A missing message is null, as the protocol says; a missing id stays missing.
        return (new Request(cmd, envelope["message"] ?? JValue.CreateNull(), envelope["id"]), null);
    }

    private static JToken Load(string text, int maxDepth)
    {
        using var reader = new JsonTextReader(new StringReader(text))
        {
            // Keep message values as they came: decimals keep their digits ("1.50" stays 1.50,
            // where a double would print 1.5), and ISO-looking strings stay strings instead of
            // becoming DateTime and coming back in another format.
            FloatParseHandling = FloatParseHandling.Decimal,
            DateParseHandling = DateParseHandling.None,
            // Newtonsoft and the actor server count nesting the same way, so both refuse the same frames.
            MaxDepth = maxDepth,
        };

        var root = JToken.ReadFrom(reader);

        // JToken.ReadFrom stops after one value; reading on throws on trailing data ("{} {}"),
        // as JToken.Parse does, so it is bad_json like on the actor server.
        while (reader.Read())
        {
        }

        return root;
    }

    private static string Describe(JTokenType type) => type switch
    {
        JTokenType.Array => "an array",
        JTokenType.Object => "an object",
        JTokenType.String => "a string",
        JTokenType.Integer or JTokenType.Float => "a number",
        JTokenType.Boolean => "a boolean",
        JTokenType.Null => "null",
        _ => type.ToString(),
    };

    private static (Request?, RequestError?) Fail(string code, string detail) => (null, new RequestError(code, detail));
}
