using System.Buffers;
using System.Text;

namespace ActorGameServer.Protocol.Tests;

/// <summary>Builds byte streams of frames, and splits them the ways a network could.</summary>
internal static class Streams
{
    /// <summary>JSON values that must come back byte for byte, including ones a double would change.</summary>
    public static readonly string[] Messages =
    [
        "1732480000123", "9007199254740993", "1.5", "-0.25", "1.50", "1e400", "0", "-0",
        "\"héllo wörld 🎮\"", "\"\"", "\"quote \\\" and \\\\ and \\u00e9\"",
        "{\"x\":1.5,\"y\":[1,2,{\"z\":null}],\"ok\":true}", "[]", "{}", "null", "true", "false",
        "[ 1 , 2 ]", "{ \"spaced\" : \"out\" }",
    ];

    public static readonly string?[] Ids = [null, "1", "\"req-7\"", "{\"seq\":3}"];

    public static string Json(string message, string? id) =>
        id is null ? $"{{\"cmd\":\"PING\",\"message\":{message}}}" : $"{{\"cmd\":\"PING\",\"message\":{message},\"id\":{id}}}";

    public static byte[] Frame(string json) => FrameWriter.Frame(Encoding.UTF8.GetBytes(json));

    public static byte[] Concat(IEnumerable<byte[]> parts) => parts.SelectMany(part => part).ToArray();

    /// <summary>Cuts <paramref name="bytes"/> at the given offsets (any order, duplicates and out-of-range ignored).</summary>
    public static List<byte[]> Split(byte[] bytes, IEnumerable<int> cuts)
    {
        var points = cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order().Append(bytes.Length);
        var chunks = new List<byte[]>();
        var start = 0;
        foreach (var end in points)
        {
            chunks.Add(bytes[start..end]);
            start = end;
        }

        return chunks;
    }

    /// <summary>Feeds the chunks one by one, decoding after each, as a connection does.</summary>
    public static List<Decoded> DecodeAll(FrameDecoder decoder, IEnumerable<byte[]> chunks)
    {
        var results = new List<Decoded>();
        foreach (var chunk in chunks)
        {
            decoder.Feed(chunk);
            for (var decoded = decoder.TryDecode(); !decoded.IsNeedMoreData; decoded = decoder.TryDecode())
            {
                results.Add(decoded);
            }
        }

        return results;
    }

    /// <summary>A sequence of several segments, one per chunk, like Pipelines hands out.</summary>
    public static ReadOnlySequence<byte> Segmented(IReadOnlyList<byte[]> chunks)
    {
        if (chunks.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(chunks[0], 0);
        var last = first;
        foreach (var chunk in chunks.Skip(1))
        {
            last = last.Append(chunk);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
