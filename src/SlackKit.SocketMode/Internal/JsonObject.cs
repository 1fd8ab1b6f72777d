using System.Buffers;
using System.Text.Json;

namespace SlackKit.SocketMode.Internal;

/// <summary>A JSON object written by a callback that writes its properties: a Web API call's body, a response.</summary>
internal static class JsonObject
{
    public static byte[] Write(Action<Utf8JsonWriter> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            properties(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
