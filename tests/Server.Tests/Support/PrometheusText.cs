using System.Globalization;
using System.Text;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// One scrape of a Prometheus text-format endpoint, parsed: each sample line
/// <c>name{label="value",...} value [timestamp]</c> becomes a <see cref="Sample"/>; comment lines
/// (<c># HELP</c>, <c># TYPE</c>) and blank lines are skipped. Enough of the format for our own
/// endpoint: escaped quotes, backslashes and newlines in label values are understood.
/// </summary>
public sealed class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    private PrometheusText(IReadOnlyList<Sample> samples) => Samples = samples;

    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>Every metric name that has at least one sample.</summary>
    public IEnumerable<string> Names => Samples.Select(s => s.Name).Distinct();

    public static async Task<PrometheusText> ScrapeAsync(HttpClient http, string path = "/metrics")
    {
        using var response = await http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return Parse(await response.Content.ReadAsStringAsync());
    }

    public static PrometheusText Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            samples.Add(ParseLine(line));
        }

        return new PrometheusText(samples);
    }

    /// <summary>
    /// The sum of the samples named <paramref name="name"/> whose labels include all of
    /// <paramref name="labels"/> (other labels, such as the exporter's <c>otel_scope_name</c>, may
    /// be there too); 0 when there is none, as for a counter not yet incremented.
    /// </summary>
    public double Value(string name, params (string Key, string Value)[] labels) => Samples
        .Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
        .Sum(s => s.Value);

    private static Sample ParseLine(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }

        var name = line[..i];
        Assert.Matches("^[a-zA-Z_:][a-zA-Z0-9_:]*$", name);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var equals = line.IndexOf('=', i);
                var key = line[i..equals].Trim();
                i = equals + 1;
                Assert.Equal('"', line[i]);
                i++;
                var value = new StringBuilder();
                for (; line[i] != '"'; i++)
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                }

                i++; // The closing quote.
                labels.Add(key, value.ToString());
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++; // The closing brace.
        }

        var rest = line[i..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(rest.Length, 1, 2); // The value, and an optional timestamp.
        var number = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, number);
    }
}
