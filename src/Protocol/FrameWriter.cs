using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ActorGameServer.Protocol;

/// <summary>
/// Builds outbound frames of the form <c>{"cmd": ..., "message": ..., "id": ...}</c>. Each frame
/// is encoded once into its own <see cref="EncodedFrame"/>, which can then be written to any
/// number of connections, each transport taking the framing it needs.
/// </summary>
public static class FrameWriter
{
    // Replies are not embedded in HTML, so there is no reason to escape '<', '+' or non-ASCII text.
    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    // Encoding happens synchronously on one thread, so a per-thread scratch buffer is safe to reuse.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_scratch;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>A frame whose message is a JSON value received earlier, embedded verbatim.</summary>
    public static EncodedFrame Build(string cmd, RawJson message, RawJson? id = null) =>
        Build(cmd, message, static (writer, raw) => writer.WriteRawValue(raw.Utf8, skipInputValidation: true), id);

    /// <summary>A frame whose message is written by <paramref name="writeMessage"/>: exactly one JSON value.</summary>
    public static EncodedFrame Build<TState>(string cmd, TState state, Action<Utf8JsonWriter, TState> writeMessage, RawJson? id = null)
    {
        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(256);
        scratch.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(scratch, Options);
        writer.Reset(scratch);

        writer.WriteStartObject();
        writer.WriteString("cmd"u8, cmd);
        writer.WritePropertyName("message"u8);
        writeMessage(writer, state);
        if (id is not null)
        {
            writer.WritePropertyName("id"u8);
            writer.WriteRawValue(id.Utf8, skipInputValidation: true);
        }

        writer.WriteEndObject();
        writer.Flush();

        return new EncodedFrame(scratch.WrittenSpan);
    }

    /// <summary>Frames a payload that is already JSON text (used by tests and clients).</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[FrameReader.HeaderSize + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(FrameReader.HeaderSize));
        return frame;
    }
}
