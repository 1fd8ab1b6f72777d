using System.Text;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>
/// Pings and pongs, both ways (contract row 4), and control frames that break the protocol: none of those reaches a
/// handler, nor anything after a close or a violation (issue 14, point 5).
/// </summary>
public class ControlFrameTests
{
    [Fact]
    public async Task Row4_a_ping_is_answered_with_its_payload_and_delivered_to_OnPing_in_arrival_order()
    {
        var recorder = new Recorder();
        var pong = new TaskCompletionSource<string>();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            // A message, a ping and a message in one write: OnPing must come between them.
            await connection.AcceptAsync(RawConnection.Text("before"), RawConnection.Ping("are you there"), RawConnection.Text("after"));
            while (await connection.ReadFrameAsync() is { } frame)
            {
                if (frame.Opcode == 0xA)
                {
                    pong.TrySetResult(Encoding.UTF8.GetString(frame.Payload));
                }
            }
        });

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, new PingRecorder(recorder));

        Assert.Equal("are you there", await pong.Task.WaitAsync(Recorder.Timeout));
        string[] events = await recorder.WaitForAsync("text:after");
        Assert.Equal(["connect", "text:before", "ping:are you there", "text:after"], events);
    }

    [Fact]
    public async Task Row4_a_ping_flood_is_answered_in_full_while_delivery_to_a_slow_OnPing_is_bounded()
    {
        const int Pings = 300;
        var recorder = new Recorder();
        var gate = new TaskCompletionSource();
        var allAnswered = new TaskCompletionSource();
        int pongs = 0;
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            byte[][] flood = [.. Enumerable.Range(0, Pings).Select(i => RawConnection.Ping($"p{i}")), RawConnection.Text("end")];
            await connection.AcceptAsync(flood);
            while (await connection.ReadFrameAsync() is { } frame)
            {
                if (frame.Opcode == 0xA && Interlocked.Increment(ref pongs) == Pings)
                {
                    allAnswered.TrySetResult();
                }
                else if (frame.Opcode == 0x8)
                {
                    await connection.SendAsync(RawConnection.Close(1000));
                    connection.ShutdownSend();
                }
            }
        });
        var logs = new CapturingLogger();
        var options = new WebSocketClientOptions { ReceiveQueueCapacity = 8, LoggerFactory = logs.Factory() };
        await using WebSocketClient client = WebSocketClient.Start(peer.Url, new StuckPing(recorder, gate.Task), options);

        // Every ping is answered while the handler is stuck on the first one.
        await allAnswered.Task.WaitAsync(Recorder.Timeout);
        gate.SetResult();
        string[] events = await recorder.WaitForAsync("text:end");
        await client.StopAsync();

        int delivered = events.Count(e => e == "ping");
        Assert.InRange(delivered, 1, 8);
        var warning = Assert.Single(logs.Entries, e => e.Id.Id == 11);
        Assert.StartsWith($"{Pings - delivered} ping/pong frame(s) were answered but not delivered", warning.Message);
    }

    [Fact]
    public async Task Row4_Cast_of_a_ping_with_a_payload_puts_a_real_ping_frame_on_the_wire_and_its_pong_reaches_OnPong()
    {
        var recorder = new Recorder();
        var pingSeen = new TaskCompletionSource<string>();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync();
            while (await connection.ReadFrameAsync() is { } frame)
            {
                if (frame.Opcode == 0x9)
                {
                    pingSeen.TrySetResult(Encoding.UTF8.GetString(frame.Payload));
                    await connection.SendAsync(RawConnection.Frame(0xA, frame.Payload));
                }
            }
        });
        await using WebSocketClient client = WebSocketClient.Start(peer.Url, new PingRecorder(recorder));
        await recorder.WaitForAsync("connect");

        Assert.True(client.Cast(WebSocketFrame.Ping(Encoding.UTF8.GetBytes("probe-42"))));

        Assert.Equal("probe-42", await pingSeen.Task.WaitAsync(Recorder.Timeout));
        await recorder.WaitForAsync("pong:probe-42");
    }

    public static TheoryData<string, byte[], string> InvalidControlFrames => new()
    {
        { "a ping with RSV3 set", [0x99, 0x01, (byte)'x'], "reserved bits" },
        { "a fragmented ping (FIN clear)", [0x09, 0x01, (byte)'x'], "a fragmented ping frame" },
        { "a ping of 126 bytes", [0x89, 0x7E, 0x00, 0x7E, .. new byte[126]], "a ping frame of 126 bytes" },
        { "a ping with the mask bit set", [0x89, 0x81, 1, 2, 3, 4, (byte)'x' ^ 1], "a masked frame" },
        { "a control frame with the reserved opcode 0xB", [0x8B, 0x00], "the reserved opcode 0xB" },
    };

    [Theory]
    [MemberData(nameof(InvalidControlFrames))]
    public async Task Issue14_5_a_control_frame_that_breaks_the_protocol_reaches_no_handler_is_not_answered_and_closes_with_1002(string what, byte[] frame, string reason)
    {
        var recorder = new Recorder();
        var seen = new List<byte>();
        var closeCode = new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            // A message before the violation, a ping after it: only the first reaches a handler, and its reply goes
            // out before the close.
            await connection.AcceptAsync(RawConnection.Text("before"), frame, RawConnection.Ping("after"));
            while (await connection.ReadFrameAsync() is { } f)
            {
                lock (seen)
                {
                    seen.Add(f.Opcode);
                }

                if (f.Opcode == 0x8)
                {
                    closeCode.TrySetResult(f.Payload.Length >= 2 ? (f.Payload[0] << 8) | f.Payload[1] : null);
                }
            }
        });
        var handler = new RecordingHandler(recorder) { TextReply = t => WebSocketFrame.Text("echo:" + t) };

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(1002, await closeCode.Task.WaitAsync(Recorder.Timeout));
        Assert.Equal(DisconnectKind.ProtocolError, handler.LastDisconnect!.Kind);
        Assert.True(handler.LastDisconnect.Message.Contains(reason, StringComparison.Ordinal), $"{what}: {handler.LastDisconnect.Message}");
        Assert.Equal(["init", "connect", "text:before"], recorder.Events.TakeWhile(e => !e.StartsWith("disconnect", StringComparison.Ordinal)));
        lock (seen)
        {
            Assert.Equal([0x1, 0x8], seen); // the reply, then the close: no pong for either ping
        }
    }

    [Fact]
    public async Task Issue14_5_after_the_peers_close_nothing_reaches_a_handler_not_even_a_ping_that_follows_it()
    {
        var recorder = new Recorder();
        var frames = new List<byte>();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync(RawConnection.Text("first"), RawConnection.Close(1000, "bye"), RawConnection.Ping("late"), RawConnection.Text("late"));
            while (await connection.ReadFrameAsync() is { } frame)
            {
                lock (frames)
                {
                    frames.Add(frame.Opcode);
                }
            }
        });
        var handler = new PingRecorder(recorder);

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(["connect", "text:first", "close:1000", "disconnect:RemoteClose"], recorder.Events);
        lock (frames)
        {
            Assert.Equal([0x8], frames); // the close answered; the late ping is not
        }
    }
}
