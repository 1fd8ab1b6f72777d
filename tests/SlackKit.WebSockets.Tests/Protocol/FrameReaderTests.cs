using System.Text;
using SlackKit.WebSockets.Internal.Protocol;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests.Protocol;

/// <summary>
/// The inbound half of the protocol with no socket: what RFC 6455 §5 allows is reported in order and whole; the first
/// thing it does not allow is reported as a violation with its close code, and nothing after it.
/// </summary>
public class FrameReaderTests
{
    private static byte[] Frame(byte opcode, string payload, bool fin = true) => RawConnection.Frame(opcode, Encoding.UTF8.GetBytes(payload), fin);

    private static byte[] Stream(params byte[][] frames) => [.. frames.SelectMany(f => f)];

    [Fact]
    public void Messages_and_control_frames_come_in_order_a_fragmented_message_whole_with_control_frames_between_its_pieces()
    {
        byte[] stream = Stream(
            Frame(0x1, "one"),
            Frame(0x2, "\u0001\u0002"),
            Frame(0x1, "frag", fin: false),
            Frame(0x9, "mid"),
            Frame(0x0, "men", fin: false),
            Frame(0xA, ""),
            Frame(0x0, "ted"),
            Frame(0x1, ""),
            RawConnection.Close(4001, "bye"));

        var driver = new ReaderDriver(1000, 4096).FeedInPieces(stream, []);

        Assert.Equal(["text:one", "binary:0102", "ping:6D6964", "pong:", "text:fragmented", "text:", "close:4001:bye"], driver.Events);
    }

    [Fact]
    public void Any_cut_of_the_stream_gives_the_same_events_whatever_the_buffer_limit()
    {
        byte[] stream = Stream(Frame(0x1, "κόσμε"), Frame(0x9, "p"), Frame(0x1, new string('x', 300), fin: false), Frame(0x0, "!"), Frame(0x2, "bin"));
        string[] expected = ["text:κόσμε", "ping:70", "text:" + new string('x', 300) + "!", "binary:62696E"];
        foreach (int limit in new[] { 8, 64, 4096 })
        {
            for (int cut = 0; cut <= stream.Length; cut++)
            {
                Assert.Equal(expected, new ReaderDriver(10_000, limit).FeedInPieces(stream, [cut]).Events);
            }

            Assert.Equal(expected, new ReaderDriver(10_000, limit).FeedInPieces(stream, Enumerable.Repeat(1, stream.Length)).Events);
        }
    }

    [Fact]
    public void A_frame_within_the_limit_is_reported_whole_as_one_slice_and_nothing_is_consumed_until_it_has_all_come()
    {
        var reader = new FrameReader(1000);
        byte[] frame = Frame(0x1, "whole");

        Assert.Equal(ReadEvent.NeedMore, reader.Read(frame.AsSpan(0, 4), 64, out int consumed, out _));
        Assert.Equal(0, consumed);
        Assert.Equal(ReadEvent.Data, reader.Read(frame, 64, out consumed, out ReadOnlySpan<byte> payload));
        Assert.Equal(frame.Length, consumed);
        Assert.Equal("whole", Encoding.UTF8.GetString(payload));
        Assert.True(reader.IsMessageStart && reader.IsMessageEnd);
    }

    [Fact]
    public void A_frame_over_the_limit_is_reported_in_pieces_as_they_arrive_and_says_what_is_left()
    {
        var reader = new FrameReader(100_000);
        byte[] frame = RawConnection.Frame(0x2, new byte[1000]);

        Assert.Equal(ReadEvent.Data, reader.Read(frame.AsSpan(0, 104), 64, out int consumed, out ReadOnlySpan<byte> payload));
        Assert.Equal((104, 100, 900L), (consumed, payload.Length, reader.FrameRemaining));
        Assert.True(reader.IsMessageStart && !reader.IsMessageEnd);
        Assert.Equal(ReadEvent.Data, reader.Read(frame.AsSpan(104), 64, out consumed, out payload));
        Assert.Equal((900, 900, 0L), (consumed, payload.Length, reader.FrameRemaining));
        Assert.True(!reader.IsMessageStart && reader.IsMessageEnd);
    }

    public static TheoryData<string, byte[], int> Violations => new()
    {
        { "RSV1 on a text frame", [0xC1, 0x00], 1002 },
        { "reserved opcode 0x3", [0x83, 0x00], 1002 },
        { "reserved control opcode 0xF", [0x8F, 0x00], 1002 },
        { "a masked server frame", [0x81, 0x81, 1, 2, 3, 4, 0x61], 1002 },
        { "a fragmented ping", [0x09, 0x00], 1002 },
        { "a ping of 126 bytes", [0x89, 0x7E, 0x00, 0x7E, .. new byte[126]], 1002 },
        { "a continuation with no message", [0x80, 0x00], 1002 },
        { "a new message inside a fragmented one", [0x01, 0x01, 0x61, 0x81, 0x01, 0x62], 1002 },
        { "a 64-bit length with the top bit set", [0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0], 1002 },
        { "a close with a 1-byte payload", [0x88, 0x01, 0x03], 1002 },
        { "a close with code 1005", [0x88, 0x02, 0x03, 0xED], 1002 },
        { "a close with code 999", [0x88, 0x02, 0x03, 0xE7], 1002 },
        { "a close whose reason is not UTF-8", [0x88, 0x04, 0x03, 0xE8, 0xC3, 0x28], 1007 },
        { "text that is not UTF-8", [0x81, 0x02, 0xC3, 0x28], 1007 },
        { "text that ends inside a sequence", [0x01, 0x01, 0xE2, 0x80, 0x01, 0x82], 1007 },
        { "a message over the size limit", [0x82, 0x7E, 0x04, 0x00, .. new byte[1024]], 1009 },
        { "fragments that add up over the size limit", [0x02, 0x7E, 0x02, 0x00, .. new byte[512], 0x80, 0x7E, 0x02, 0x01, .. new byte[513]], 1009 },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public void The_first_rule_broken_is_reported_with_its_close_code_after_what_came_before_and_nothing_after(string what, byte[] bad, int code)
    {
        byte[] stream = Stream(Frame(0x1, "before"), bad, Frame(0x1, "after"), Frame(0x9, "after"));

        var driver = new ReaderDriver(1000, 4096).FeedInPieces(stream, []);

        Assert.True(driver.Events.SequenceEqual(["text:before", $"violation:{code}"]), $"{what}: [{string.Join(", ", driver.Events)}]");
        Assert.Throws<InvalidOperationException>(() => driver.Reader.Read(Frame(0x1, "x"), 4096, out _, out _));
    }

    [Fact]
    public void A_message_too_big_says_how_big_from_its_header_alone_before_its_payload_arrives()
    {
        var reader = new FrameReader(1000);
        Assert.Equal(ReadEvent.Violation, reader.Read([0x82, 0x7E, 0x10, 0x00], 4096, out _, out _));
        Assert.True(reader.Violation!.IsTooBig);
        Assert.Equal(4096, reader.Violation.TooBigSize);
    }

    [Fact]
    public void Invalid_UTF8_in_a_frame_awaited_whole_fails_as_soon_as_its_bytes_arrive()
    {
        // Autobahn 6.4.3: a 21-byte text frame whose 12th byte makes it invalid; only the first 15 bytes ever arrive.
        var reader = new FrameReader(1000);
        byte[] start = [0x81, 21, 0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5];
        Assert.Equal(ReadEvent.NeedMore, reader.Read(start, 4096, out _, out _));
        Assert.Equal(ReadEvent.Violation, reader.Read([.. start, 0xF4, 0x90], 4096, out _, out _));
        Assert.Equal(1007, reader.Violation!.CloseCode);
    }
}
