using System.Net.WebSockets;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>
/// Close handshakes from either side: contract rows 5, 6 and 12, and the races of issue 14 (points 1 and 2), each run
/// as many trials.
/// </summary>
public class CloseTests
{
    [Fact]
    public async Task Row5_server_close_reaches_OnClose_is_answered_then_OnDisconnect_gets_remote_code_and_reason()
    {
        var recorder = new Recorder();
        var serverSaw = new TaskCompletionSource<(WebSocketState, WebSocketCloseStatus?)>();
        await using KestrelServer server = await KestrelServer.StartAsync(async socket =>
        {
            // CloseAsync sends the close frame and waits for the client's answer.
            await socket.CloseAsync((WebSocketCloseStatus)4001, "server says bye", CancellationToken.None);
            serverSaw.TrySetResult((socket.State, socket.CloseStatus));
        });

        WebSocketClient client = WebSocketClient.Start(server.Url, new RecordingHandler(recorder));
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal((WebSocketState.Closed, (WebSocketCloseStatus?)4001), await serverSaw.Task.WaitAsync(Recorder.Timeout));
        Assert.Equal(["init", "connect", "close:4001:server says bye", "disconnect:RemoteClose:4001:server says bye", "terminate:Closed"], recorder.Events);
    }

    [Fact]
    public async Task Row6_a_handler_Close_sends_the_frame_waits_for_the_answer_and_disconnects_as_local()
    {
        var recorder = new Recorder();
        var serverSaw = new TaskCompletionSource<(WebSocketCloseStatus?, string?)>();
        await using KestrelServer server = await KestrelServer.StartAsync(async socket =>
        {
            await socket.SendAsync("close, please"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
            Message message = await socket.ReceiveMessageAsync();
            Assert.Equal(WebSocketMessageType.Close, message.Type);
            serverSaw.TrySetResult((socket.CloseStatus, socket.CloseStatusDescription));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "ok", CancellationToken.None);
        });
        var handler = new RecordingHandler(recorder) { TextReply = _ => HandlerResult.Close(4000, "asked to") };

        WebSocketClient client = WebSocketClient.Start(server.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(((WebSocketCloseStatus?)4000, "asked to"), await serverSaw.Task.WaitAsync(Recorder.Timeout));
        Assert.Contains("disconnect:LocalClose:4000:asked to", recorder.Events);
        Assert.Equal(DisconnectKind.LocalClose, handler.LastDisconnect!.Kind);
    }

    [Fact]
    public async Task Row6_a_cast_close_frame_begins_the_same_handshake()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartEchoAsync();
        WebSocketClient client = WebSocketClient.Start(server.Url, new RecordingHandler(recorder));
        await recorder.WaitForAsync("connect");

        Assert.True(client.Cast(WebSocketFrame.Close(1001, "going away")));
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Contains("disconnect:LocalClose:1001:going away", recorder.Events);
        Assert.False(client.Cast(WebSocketFrame.Text("after the close")));
    }

    [Fact]
    public async Task Row12_a_handler_exception_closes_with_1011_and_OnDisconnect_gets_the_failure()
    {
        var recorder = new Recorder();
        var serverSaw = new TaskCompletionSource<WebSocketCloseStatus?>();
        await using KestrelServer server = await KestrelServer.StartAsync(async socket =>
        {
            await socket.SendAsync("boom"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
            await socket.ReceiveMessageAsync();
            serverSaw.TrySetResult(socket.CloseStatus);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        });
        var handler = new RecordingHandler(recorder) { TextReply = _ => throw new FormatException("bad input") };

        WebSocketClient client = WebSocketClient.Start(server.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(WebSocketCloseStatus.InternalServerError, await serverSaw.Task.WaitAsync(Recorder.Timeout));
        DisconnectReason reason = handler.LastDisconnect!;
        Assert.Equal(DisconnectKind.HandlerFailure, reason.Kind);
        Assert.IsType<FormatException>(reason.Exception);
        Assert.Contains("bad input", reason.Message);
    }

    [Fact]
    public async Task Row6_a_peer_that_never_answers_our_close_is_dropped_after_CloseTimeout()
    {
        var recorder = new Recorder();
        var clock = new TestClock();
        var sawClose = new TaskCompletionSource<int?>();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync(RawConnection.Text("close, please"));
            sawClose.TrySetResult(await connection.ReadUntilCloseAsync());
            await connection.ReadFrameAsync(); // and then nothing, until the client drops the connection
        });
        var handler = new RecordingHandler(recorder) { TextReply = _ => HandlerResult.Close(4000, "bye") };

        WebSocketClient client = WebSocketClient.Start(peer.Url, handler, new WebSocketClientOptions { CloseTimeout = TimeSpan.FromSeconds(5), TimeProvider = clock });

        await using IAsyncDisposable stopping = clock.Own(client);
        Assert.Equal(4000, await sawClose.Task.WaitAsync(Recorder.Timeout));
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(5), "the close timeout");
        Assert.False(client.Completion.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(5));
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(DisconnectKind.LocalClose, handler.LastDisconnect!.Kind);
        Assert.Equal(4000, handler.LastDisconnect.CloseCode);
    }

    [Theory]
    [InlineData(0x9)]
    [InlineData(0xA)]
    public async Task Issue14_1_a_server_close_is_answered_while_the_application_casts_control_frames_in_a_loop(int opcode)
    {
        const int Trials = 100;
        int answered = 0;
        int unanswered = 0;
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync();
            int seen = 0;
            while (await connection.ReadFrameAsync() is { } frame && ++seen < 5)
            {
            }

            await connection.SendAsync(RawConnection.Close(1000, "done"));
            while (await connection.ReadFrameAsync() is { } frame)
            {
                if (frame.Opcode == 0x8)
                {
                    Interlocked.Increment(ref answered);
                    return;
                }
            }

            Interlocked.Increment(ref unanswered); // TCP ended with no close frame
        });

        for (int trial = 0; trial < Trials; trial++)
        {
            var recorder = new Recorder();
            var handler = new RecordingHandler(recorder);
            WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
            await recorder.WaitForAsync("connect");
            WebSocketFrame control = opcode == 0x9 ? WebSocketFrame.Ping() : WebSocketFrame.Pong();
            while (!client.Completion.IsCompleted)
            {
                client.Cast(control); // false once the queue is full or the connection is closing: the loop goes on regardless
                await Task.Yield();
            }

            Assert.Equal(DisconnectKind.RemoteClose, handler.LastDisconnect!.Kind);
        }

        await peer.DisposeAsync();
        Assert.Equal((Trials, 0), (answered, unanswered));
    }

    [Fact]
    public async Task Issue14_2_nothing_follows_our_close_on_the_wire_even_with_keepalive_pings_every_millisecond()
    {
        const int Trials = 200;
        int framesAfterClose = 0;
        int closes = 0;
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync();
            bool closed = false;
            while (await connection.ReadFrameAsync() is { } frame)
            {
                if (closed)
                {
                    Interlocked.Increment(ref framesAfterClose);
                }
                else if (frame.Opcode == 0x8)
                {
                    closed = true;
                    Interlocked.Increment(ref closes);
                    await connection.SendAsync(RawConnection.Close(1000));
                    connection.ShutdownSend(); // as a server does; anything the client sends after its close is still read
                }
            }
        });
        var options = new WebSocketClientOptions { KeepAlive = TimeSpan.FromMilliseconds(1), KeepAliveTimeout = TimeSpan.FromSeconds(10) };
        var random = new Random(14_2);

        for (int trial = 0; trial < Trials; trial++)
        {
            var recorder = new Recorder();
            WebSocketClient client = WebSocketClient.Start(peer.Url, new RecordingHandler(recorder), options);
            await recorder.WaitForAsync("connect");
            Thread.SpinWait(random.Next(0, 50_000)); // a stop at a random moment among the pings
            await client.StopAsync().WaitAsync(Recorder.Timeout);
        }

        await peer.DisposeAsync();
        Assert.Equal((Trials, 0), (closes, framesAfterClose));
    }
}
