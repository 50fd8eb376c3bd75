using System.Text;

namespace ActorGameServer.Protocol;

/// <summary>
/// One JSON value kept exactly as the client sent it (already validated). Replies embed it
/// byte for byte, so numbers such as 9007199254740993 or 1.50 and every character of a string
/// come back unchanged, with no parse-and-reprint round trip.
/// </summary>
public sealed class RawJson
{
    public static readonly RawJson Null = new("null"u8.ToArray());

    private readonly byte[] _utf8;

    /// <param name="utf8">A complete, valid JSON value. The instance takes ownership of the array.</param>
    public RawJson(byte[] utf8) => _utf8 = utf8;

    public ReadOnlySpan<byte> Utf8 => _utf8;

    public override string ToString() => Encoding.UTF8.GetString(_utf8);
}
