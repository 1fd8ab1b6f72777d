using System.Text;
using SlackKit.WebSockets.Internal;

namespace SlackKit.WebSockets.Tests;

/// <summary>
/// The parser under the socket: it must say "quiet" only when the bytes read end exactly at the end of a data message
/// (or of the HTTP response), because an idle connection then waits below the socket. A ping read but not yet
/// processed by the socket, or any part of another frame, must keep it from saying so.
/// </summary>
public class InboundFrameParserTests
{
    private static readonly byte[] Response = Encoding.ASCII.GetBytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");

    private static byte[] Frame(byte opcode, string payload, bool fin = true)
    {
        byte[] data = Encoding.UTF8.GetBytes(payload);
        return [(byte)((fin ? 0x80 : 0) | opcode), (byte)data.Length, .. data];
    }

    private static (InboundFrameParser Parser, Controls Controls) Parser()
    {
        var controls = new Controls();
        return (new InboundFrameParser(controls), controls);
    }

    [Fact]
    public void The_end_of_the_HTTP_response_is_quiet_and_so_is_the_end_of_a_message_read_with_it()
    {
        (InboundFrameParser parser, _) = Parser();
        parser.Observe(Response);
        Assert.True(parser.IsQuiet);
        Assert.Equal(0, parser.Messages);

        (InboundFrameParser withFrame, _) = Parser();
        withFrame.Observe([.. Response, .. Frame(0x1, "hello")]);
        Assert.True(withFrame.IsQuiet);
        Assert.Equal(1, withFrame.Messages);
    }

    [Fact]
    public void Part_of_a_frame_is_not_quiet_until_the_frame_ends()
    {
        (InboundFrameParser parser, _) = Parser();
        parser.Observe(Response);
        byte[] frame = Frame(0x2, "0123456789");

        parser.Observe(frame.AsSpan(0, 1)); // half a header
        Assert.False(parser.IsQuiet);
        parser.Observe(frame.AsSpan(1, 5)); // the header and part of the payload
        Assert.False(parser.IsQuiet);
        parser.Observe(frame.AsSpan(6));
        Assert.True(parser.IsQuiet);
        Assert.Equal(1, parser.Messages);
    }

    [Fact]
    public void A_ping_or_pong_after_the_last_message_is_not_quiet()
    {
        (InboundFrameParser parser, Controls controls) = Parser();
        parser.Observe([.. Response, .. Frame(0x1, "one"), .. Frame(0x9, "ping?")]);
        Assert.False(parser.IsQuiet); // the socket has not read the ping yet: it must, to answer it
        Assert.Equal(["Ping:ping?"], controls.Seen);

        parser.Observe(Frame(0x1, "two"));
        Assert.True(parser.IsQuiet);
        Assert.Equal(2, parser.Messages);

        parser.Observe(Frame(0xA, ""));
        Assert.False(parser.IsQuiet);
    }

    [Fact]
    public void A_fragmented_message_is_quiet_only_after_its_last_fragment()
    {
        (InboundFrameParser parser, _) = Parser();
        parser.Observe([.. Response, .. Frame(0x1, "frag", fin: false)]);
        Assert.False(parser.IsQuiet);
        Assert.Equal(0, parser.Messages);

        parser.Observe(Frame(0x0, "ment"));
        Assert.True(parser.IsQuiet);
        Assert.Equal(1, parser.Messages);
    }

    [Fact]
    public void An_empty_message_ends_quiet_and_a_frame_it_cannot_follow_is_never_quiet_again()
    {
        (InboundFrameParser parser, _) = Parser();
        parser.Observe([.. Response, .. Frame(0x1, "")]);
        Assert.True(parser.IsQuiet);
        Assert.Equal(1, parser.Messages);

        parser.Observe([0x81, 0x85, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // a masked server frame breaks RFC 6455: the parser stops
        Assert.False(parser.IsQuiet);
        parser.Observe(Frame(0x1, "later"));
        Assert.False(parser.IsQuiet);
    }

    private sealed class Controls : IInboundFrameObserver
    {
        public List<string> Seen { get; } = [];

        public void OnControlFrame(WebSocketFrameKind kind, ReadOnlySpan<byte> payload, long messagesBefore) =>
            Seen.Add($"{kind}:{Encoding.UTF8.GetString(payload)}");
    }
}
