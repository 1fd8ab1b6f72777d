using System.Text;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>
/// A peer that breaks the protocol or a limit (contract rows 7 and 14): the connection closes with the right code,
/// what came before still reaches its handler and its reply is written before the close, nothing after does, and the
/// reason says what happened first (issue 14, points 7 and 11).
/// </summary>
public class ProtocolViolationTests
{
    [Fact]
    public async Task Row14_a_message_over_MaxMessageSize_closes_with_1009_and_reaches_no_handler()
    {
        var recorder = new Recorder();
        var closeCode = new TaskCompletionSource<int?>();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            // 5,000 bytes in three fragments, against a limit of 1,000.
            byte[] part = Encoding.UTF8.GetBytes(new string('y', 2000));
            await connection.AcceptAsync(
                RawConnection.Text("small"),
                RawConnection.Frame(0x1, part, fin: false),
                RawConnection.Frame(0x0, part, fin: false),
                RawConnection.Frame(0x0, part[..1000], fin: true));
            closeCode.TrySetResult(await connection.ReadUntilCloseAsync());
            await connection.SendAsync(RawConnection.Close(1009));
        });
        var handler = new RecordingHandler(recorder);

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler, new WebSocketClientOptions { MaxMessageSize = 1000 });
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(1009, await closeCode.Task.WaitAsync(Recorder.Timeout));
        Assert.Equal(DisconnectKind.MessageTooBig, handler.LastDisconnect!.Kind);
        Assert.Contains("message too big", handler.LastDisconnect.Message);
        Assert.Equal(["init", "connect", "text:small"], recorder.Events.Where(e => e.StartsWith("text:", StringComparison.Ordinal) || e is "init" or "connect"));
    }

    [Fact]
    public async Task Row14_invalid_UTF8_in_a_text_message_closes_with_1007_and_reaches_no_handler()
    {
        var recorder = new Recorder();
        var closeCode = new TaskCompletionSource<int?>();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync(RawConnection.Frame(0x1, [(byte)'o', (byte)'k', 0xC3, 0x28]));
            closeCode.TrySetResult(await connection.ReadUntilCloseAsync());
        });
        var handler = new RecordingHandler(recorder);

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(1007, await closeCode.Task.WaitAsync(Recorder.Timeout));
        Assert.Equal(DisconnectKind.ProtocolError, handler.LastDisconnect!.Kind);
        Assert.Equal(1007, handler.LastDisconnect.CloseCode);
        Assert.Equal("protocol error: the peer sent a text message that is not valid UTF-8; closed with 1007", handler.LastDisconnect.Message);
        Assert.DoesNotContain(recorder.Events, e => e.StartsWith("text:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Row14_invalid_UTF8_fails_the_connection_at_the_first_invalid_byte_before_the_rest_of_its_frame_arrives()
    {
        var recorder = new Recorder();
        var closeCode = new TaskCompletionSource<int?>();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            // Autobahn 6.4.3: one frame of 21 bytes; the first 15 arrive (valid text, then F4 90 80 80: past
            // U+10FFFF), the last 6 never do. A client that waits for the frame's end waits forever.
            byte[] valid = [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5];
            byte[] frame = [0x81, 21, .. valid, 0xF4, 0x90, 0x80, 0x80];
            await connection.AcceptAsync(frame);
            closeCode.TrySetResult(await connection.ReadUntilCloseAsync());
        });
        var handler = new RecordingHandler(recorder);

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(1007, await closeCode.Task.WaitAsync(Recorder.Timeout));
        Assert.Equal(DisconnectKind.ProtocolError, handler.LastDisconnect!.Kind);
    }

    [Theory]
    [InlineData(1005)]
    [InlineData(1100)]
    [InlineData(2999)]
    public async Task Row7_a_peer_close_with_an_invalid_code_reaches_OnDisconnect_as_a_protocol_error(int code)
    {
        var recorder = new Recorder();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync(RawConnection.Close(code, "bad"));
            await connection.ReadUntilCloseAsync();
        });
        var handler = new RecordingHandler(recorder);

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(DisconnectKind.ProtocolError, handler.LastDisconnect!.Kind);
        Assert.Equal($"protocol error: the peer closed with the invalid code {code}; closed with 1002", handler.LastDisconnect.Message);
    }

    [Fact]
    public async Task Issue14_7_the_first_cause_wins_the_peers_answer_to_our_1002_does_not_overwrite_what_it_broke()
    {
        var recorder = new Recorder();
        var ourCode = new TaskCompletionSource<int?>();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync(RawConnection.Close(1005, "no such code"));
            ourCode.TrySetResult(await connection.ReadUntilCloseAsync());
            await connection.SendAsync(RawConnection.Close(1002, "you said 1002"));
            await connection.ReadFrameAsync();
        });
        var handler = new RecordingHandler(recorder);

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(1002, await ourCode.Task.WaitAsync(Recorder.Timeout));
        Assert.Equal("protocol error: the peer closed with the invalid code 1005; closed with 1002", handler.LastDisconnect!.Message);
    }

    [Fact]
    public async Task Replies_to_messages_that_came_before_a_violation_are_written_before_the_close()
    {
        var recorder = new Recorder();
        var seen = new List<string>();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            // Two messages, then a frame with RSV1 set (no extension was negotiated): Autobahn 3.2-3.4.
            await connection.AcceptAsync(RawConnection.Text("one"), RawConnection.Text("two"), [0xC1, 0x03, (byte)'b', (byte)'a', (byte)'d']);
            while (await connection.ReadFrameAsync() is { } frame)
            {
                seen.Add(frame.Opcode == 0x8 ? $"close:{(frame.Payload[0] << 8) | frame.Payload[1]}" : Encoding.UTF8.GetString(frame.Payload));
            }
        });
        // A slow reply: the close must wait for it, not overtake it.
        var handler = new RecordingHandler(recorder) { TextReply = t => WebSocketFrame.Text("echo:" + t) };

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);
        await peer.DisposeAsync();

        Assert.Equal(["echo:one", "echo:two", "close:1002"], seen);
        Assert.Contains("reserved bits", handler.LastDisconnect!.Message);
    }

    [Fact]
    public async Task Issue14_11_a_message_trickled_slower_than_MessageTimeout_fails_the_connection_with_1008()
    {
        var recorder = new Recorder();
        var clock = new TestClock();
        var closeCode = new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            // The start of a 10-byte text message, and then the rest never comes.
            await connection.AcceptAsync([0x81, 10, (byte)'s', (byte)'l']);
            closeCode.TrySetResult(await connection.ReadUntilCloseAsync());
            await connection.SendAsync(RawConnection.Close(1008));
        });
        var handler = new RecordingHandler(recorder);

        var options = new WebSocketClientOptions { MessageTimeout = TimeSpan.FromSeconds(30), CloseTimeout = TimeSpan.FromHours(1), TimeProvider = clock };
        WebSocketClient client = WebSocketClient.Start(peer.Url, handler, options);
        await using IAsyncDisposable stopping = clock.Own(client);
        await recorder.WaitForAsync("connect");
        DateTimeOffset connected = clock.GetUtcNow();
        // Time runs until the peer sees the client's close: never sooner than 30 s after the message began (a starved
        // receive loop may read it later than the fake clock's start, so there is no upper bound to assert).
        await clock.RunUntilAsync(closeCode.Task, horizon: TimeSpan.FromSeconds(30));
        Assert.True(clock.GetUtcNow() - connected >= TimeSpan.FromSeconds(30));
        Assert.Equal(1008, await closeCode.Task.WaitAsync(Recorder.Timeout));
        // The end lets the peer close TCP for up to 500 ms of (fake) time.
        await clock.RunUntilAsync(client.Completion, horizon: TimeSpan.FromSeconds(1));
        await client.Completion.WaitAsync(Recorder.Timeout);
        Assert.Equal(DisconnectKind.ProtocolError, handler.LastDisconnect!.Kind);
        Assert.Contains("MessageTimeout", handler.LastDisconnect.Message);
    }

    [Fact]
    public async Task Row7_a_reset_in_the_middle_of_a_frame_is_a_transport_error()
    {
        var recorder = new Recorder();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            byte[] frame = RawConnection.Text(new string('x', 1000));
            await connection.AcceptAsync(frame[..300]);
            connection.Reset();
        });
        var handler = new RecordingHandler(recorder);

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(DisconnectKind.TransportError, handler.LastDisconnect!.Kind);
        Assert.NotNull(handler.LastDisconnect.Exception);
        Assert.DoesNotContain(recorder.Events, e => e.StartsWith("text:", StringComparison.Ordinal));
    }
}
