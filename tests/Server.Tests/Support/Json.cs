using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>Newtonsoft.Json set up to keep every value as sent: no date guessing, exact decimals.</summary>
public static class Json
{
    private static readonly JsonSerializerSettings Settings = new()
    {
        DateParseHandling = DateParseHandling.None,
        FloatParseHandling = FloatParseHandling.Decimal,
    };

    public static JObject Parse(string json) => JsonConvert.DeserializeObject<JObject>(json, Settings)
        ?? throw new JsonException("not a JSON object: " + json);

    public static JToken ParseValue(string json) => JsonConvert.DeserializeObject<JToken>(json, Settings)
        ?? JValue.CreateNull();
}
