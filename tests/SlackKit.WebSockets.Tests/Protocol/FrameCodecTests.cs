using System.Buffers.Binary;
using System.Text;
using SlackKit.WebSockets.Internal.Protocol;

namespace SlackKit.WebSockets.Tests.Protocol;

/// <summary>The frame header codec, the mask and the close payload (RFC 6455 §5.2, §5.3, §5.5.1): no socket, no clock.</summary>
public class FrameCodecTests
{
    [Theory]
    [InlineData(0L, false, 2)]
    [InlineData(125L, false, 2)]
    [InlineData(126L, false, 4)]
    [InlineData(65535L, false, 4)]
    [InlineData(65536L, false, 10)]
    [InlineData(5_000_000_000L, false, 10)]
    [InlineData(0L, true, 6)]
    [InlineData(70_000L, true, 14)]
    public void A_header_written_reads_back_the_same_in_the_fewest_bytes_and_not_before_all_of_it_is_there(long length, bool masked, int expectedSize)
    {
        Span<byte> buffer = stackalloc byte[FrameHeader.MaxLength];
        uint? key = masked ? 0xA1B2C3D4u : null;
        int written = FrameHeader.Write(buffer, Opcode.Binary, length, key);

        Assert.Equal(expectedSize, written);
        Assert.Equal(expectedSize, FrameHeader.GetLength(length, masked));
        for (int partial = 0; partial < written; partial++)
        {
            Assert.False(FrameHeader.TryRead(buffer[..partial], out _, out _));
        }

        Assert.True(FrameHeader.TryRead(buffer[..written], out FrameHeader header, out int read));
        Assert.Equal(written, read);
        Assert.Equal(new FrameHeader(true, 0, Opcode.Binary, masked, length, key ?? 0), header);
    }

    [Fact]
    public void A_header_keeps_FIN_the_reserved_bits_and_the_opcode_as_sent_and_a_64_bit_length_with_the_top_bit_set_reads_as_minus_one()
    {
        Assert.True(FrameHeader.TryRead([0x3A, 0x05], out FrameHeader control, out _)); // FIN clear, RSV2+RSV3, pong
        Assert.Equal((false, (byte)0b011, Opcode.Pong, 5L), (control.Fin, control.ReservedBits, control.Opcode, control.PayloadLength));

        byte[] huge = [0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1];
        Assert.True(FrameHeader.TryRead(huge, out FrameHeader header, out _));
        Assert.Equal(-1, header.PayloadLength);
    }

    [Fact]
    public void Masking_matches_the_byte_by_byte_rule_at_every_offset_and_length_and_undoes_itself()
    {
        var random = new Random(5_3);
        uint key = 0x4D2C1B0Au;
        byte[] keyBytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(keyBytes, key);
        foreach (int length in new[] { 0, 1, 3, 4, 5, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 100, 1000, 4099 })
        {
            for (int offset = 0; offset < 8; offset++)
            {
                byte[] data = new byte[length];
                random.NextBytes(data);
                byte[] expected = [.. data.Select((b, i) => (byte)(b ^ keyBytes[(offset + i) % 4]))];

                byte[] masked = [.. data];
                Masking.Apply(masked, key, offset);
                Assert.Equal(expected, masked);

                Masking.Apply(masked, key, offset);
                Assert.Equal(data, masked);

                // Masked while copied (the writer's large frames), into a longer buffer whose rest stays as it was.
                byte[] copy = [.. Enumerable.Repeat((byte)0xEE, length + 3)];
                Masking.CopyMasked(data, copy, key, offset);
                Assert.Equal(expected, copy[..length]);
                Assert.Equal([0xEE, 0xEE, 0xEE], copy[length..]);
            }
        }

        Assert.Throws<ArgumentException>(() => Masking.CopyMasked(new byte[5], new byte[4], key));
    }

    [Fact]
    public void Encoded_frames_are_final_masked_and_carry_their_payload_text_from_a_string_encoded_in_place()
    {
        byte[] buffer = new byte[256];
        WebSocketFrame[] frames =
        [
            WebSocketFrame.Text("héllo"),
            WebSocketFrame.Text("héllo"u8.ToArray()),
            WebSocketFrame.Binary(new byte[] { 1, 2, 3 }),
            WebSocketFrame.Ping("p"u8.ToArray()),
            WebSocketFrame.Pong(),
            WebSocketFrame.Close(4000, "bye"),
            WebSocketFrame.Close(),
        ];
        (byte Opcode, string Payload)[] expected =
        [
            (0x1, "68C3A96C6C6F"), (0x1, "68C3A96C6C6F"), (0x2, "010203"), (0x9, "70"), (0xA, ""), (0x8, "0FA0627965"), (0x8, ""),
        ];

        for (int i = 0; i < frames.Length; i++)
        {
            int length = FrameEncoder.Encode(frames[i], FrameEncoder.GetPayloadLength(frames[i]), buffer);
            var decoded = ClientFrames.Decode(buffer.AsSpan(0, length)).Single();
            Assert.True(decoded.Fin);
            Assert.True(decoded.Masked);
            Assert.Equal(expected[i], (decoded.Opcode, Convert.ToHexString(decoded.Payload)));
        }
    }

    [Fact]
    public void Two_frames_in_a_row_never_share_a_mask_key()
    {
        byte[] buffer = new byte[64];
        var keys = new HashSet<string>();
        for (int i = 0; i < 1000; i++)
        {
            FrameEncoder.EncodeControl(Opcode.Ping, [], buffer);
            keys.Add(Convert.ToHexString(buffer, 2, 4));
        }

        Assert.True(keys.Count > 990, $"{keys.Count} distinct keys in 1000 frames");
    }

    [Theory]
    [InlineData("", "Valid", null, "")]
    [InlineData("03E8", "Valid", 1000, "")]
    [InlineData("0BB86F6B", "Valid", 3000, "ok")]
    [InlineData("03", "Truncated", null, "")]
    [InlineData("03ED", "InvalidCode", 1005, "")]
    [InlineData("03EE", "InvalidCode", 1006, "")]
    [InlineData("03F7", "InvalidCode", 1015, "")]
    [InlineData("044C", "InvalidCode", 1100, "")]
    [InlineData("1388", "InvalidCode", 5000, "")]
    [InlineData("03E8C328", "InvalidReason", 1000, "")]
    public void A_received_close_payload_is_read_or_found_to_break_the_protocol(string hex, string status, int? code, string reason)
    {
        Assert.Equal(Enum.Parse<ClosePayload.Status>(status), ClosePayload.Read(Convert.FromHexString(hex), out int? readCode, out string readReason));
        Assert.Equal(code, readCode);
        Assert.Equal(reason, readReason);
    }

    [Fact]
    public void Every_code_an_endpoint_may_send_is_valid_and_none_other_is()
    {
        int[] valid = [.. Enumerable.Range(0, 70_000).Where(ClosePayload.IsValidCode)];
        int[] expected = [.. Enumerable.Range(1000, 4), .. Enumerable.Range(1007, 8), .. Enumerable.Range(3000, 2000)];
        Assert.Equal(expected, valid);
    }
}

/// <summary>Decodes what a client wrote (masked frames), for tests.</summary>
internal static class ClientFrames
{
    public static List<(byte Opcode, bool Fin, bool Masked, byte[] Payload)> Decode(ReadOnlySpan<byte> bytes)
    {
        var frames = new List<(byte, bool, bool, byte[])>();
        while (!bytes.IsEmpty)
        {
            if (!FrameHeader.TryRead(bytes, out FrameHeader header, out int headerLength))
            {
                throw new InvalidDataException($"{bytes.Length} bytes left that are not a whole header");
            }

            byte[] payload = bytes.Slice(headerLength, (int)header.PayloadLength).ToArray();
            if (header.Masked)
            {
                Masking.Apply(payload, header.MaskKey);
            }

            frames.Add(((byte)header.Opcode, header.Fin, header.Masked, payload));
            bytes = bytes[(headerLength + (int)header.PayloadLength)..];
        }

        return frames;
    }

    public static string Text(byte[] payload) => Encoding.UTF8.GetString(payload);
}
