using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>
/// Contract row 9 on a fake clock: a peer that goes silent, a handler that is slower than the timeout, and a peer
/// that talks but has stopped reading (issue 14, point 3: connected but deaf).
/// </summary>
public partial class KeepAliveTests
{
    [Fact]
    public async Task Row9_a_silent_peer_is_found_dead_at_KeepAlive_plus_KeepAliveTimeout()
    {
        var recorder = new Recorder();
        var clock = new TestClock();
        var pingSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            // Completes the handshake, reads what comes, and never answers anything.
            await connection.AcceptAsync();
            while (await connection.ReadFrameAsync() is { } frame)
            {
                if (frame.Opcode == 0x9)
                {
                    pingSeen.TrySetResult();
                }
            }
        });
        var options = new WebSocketClientOptions { KeepAlive = TimeSpan.FromSeconds(1), KeepAliveTimeout = TimeSpan.FromSeconds(2), TimeProvider = clock };
        var handler = new RecordingHandler(recorder);

        WebSocketClient client = WebSocketClient.Start(peer.Url, handler, options);

        await using IAsyncDisposable stopping = clock.Own(client);
        await recorder.WaitForAsync("connect");
        DateTimeOffset connected = clock.GetUtcNow();
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(1), "the first ping");
        clock.Advance(TimeSpan.FromSeconds(1));
        await pingSeen.Task.WaitAsync(Recorder.Timeout); // a real ping on the wire, which the peer leaves unanswered
        for (int second = 2; second <= 3; second++)
        {
            await clock.WaitForTimerAsync(TimeSpan.FromSeconds(1), $"the keepalive's second {second}");
            Assert.Equal(WebSocketClientState.Connected, client.State);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        await client.Completion.WaitAsync(Recorder.Timeout);
        Assert.Equal(DisconnectKind.KeepAliveTimeout, handler.LastDisconnect!.Kind);
        Assert.Equal("keepalive timeout: nothing received within 2 s after a ping", handler.LastDisconnect.Message);
        Assert.Equal(TimeSpan.FromSeconds(3), clock.GetUtcNow() - connected); // KeepAlive + KeepAliveTimeout
    }

    [Fact]
    public async Task Row9_a_handler_slower_than_the_timeout_does_not_make_a_healthy_peer_look_dead()
    {
        var recorder = new Recorder();
        var clock = new TestClock();
        var logs = new CapturingLogger();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            // More messages than the receive queue holds, so the client must stop reading while its handler is slow;
            // and every ping is answered, as a healthy peer does.
            await connection.AcceptAsync([.. Enumerable.Range(1, 4).Select(i => RawConnection.Text($"m{i}"))]);
            await connection.AnswerLikeAHealthyServerAsync();
        });
        var options = new WebSocketClientOptions
        {
            KeepAlive = TimeSpan.FromMilliseconds(100),
            KeepAliveTimeout = TimeSpan.FromMilliseconds(300),
            ReceiveQueueCapacity = 1,
            TimeProvider = clock,
            LoggerFactory = logs.Factory(),
        };

        WebSocketClient client = WebSocketClient.Start(peer.Url, new GatedHandler(recorder, gate.Task), options);

        await using IAsyncDisposable stopping = clock.Own(client);
        try
        {
            await recorder.WaitForAsync("handling:m1");

            // Time moves only once the client has stopped reading (event 14), as it would in the time a real clock
            // takes to tick: moved sooner, on a machine too busy to run the receive loop, the client would still be
            // reading (m2 and m3 on their way to the receive queue) and the peer's pong behind them would look late.
            await logs.WaitForAsync(14, "the receive loop to pause, the receive queue full");

            // The handler holds m1 for ten keepalive intervals, over three timeouts: the client reads nothing meanwhile.
            for (int step = 0; step < 10; step++)
            {
                await clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(100), $"keepalive step {step}");
                clock.Advance(TimeSpan.FromMilliseconds(100));
            }

            gate.SetResult();
            await recorder.WaitForAsync("handled:m4");
        }
        catch (TimeoutException waiting)
        {
            // Say why the connection went: the handler is let go, and the disconnect it held back is reported.
            gate.TrySetResult();
            string[] events = await recorder.WaitForPrefixAsync("disconnect:");
            throw new TimeoutException($"{waiting.Message} Then: [{string.Join(", ", events)}]", waiting);
        }
        finally
        {
            gate.TrySetResult(); // a failure above must not leave the handler holding the mailbox (the stop would hang and hide it)
        }

        Assert.Equal(WebSocketClientState.Connected, client.State);
        Assert.DoesNotContain(recorder.Events, e => e.StartsWith("disconnect:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Row9_a_synchronous_handler_run_inline_on_the_receive_loop_does_not_make_a_healthy_peer_look_dead()
    {
        var recorder = new Recorder();
        var clock = new TestClock();
        using var release = new ManualResetEventSlim();
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            // One message once the client is connected and idle, then every ping answered, as a healthy peer does.
            await connection.AcceptAsync();
            await connected.Task.WaitAsync(Recorder.Timeout);
            await connection.SendAsync(RawConnection.Text("slow"));
            await connection.AnswerLikeAHealthyServerAsync();
        });
        var options = new WebSocketClientOptions { KeepAlive = TimeSpan.FromMilliseconds(100), KeepAliveTimeout = TimeSpan.FromMilliseconds(300), TimeProvider = clock };

        WebSocketClient client = WebSocketClient.Start(peer.Url, new BlockingHandler(recorder, release), options);
        await using IAsyncDisposable stopping = clock.Own(client);
        await recorder.WaitForAsync("connect");
        connected.SetResult();
        await recorder.WaitForAsync("handling:slow");

        // The handler blocks the receive loop it runs on (the mailbox was idle, so it runs inline) for ten keepalive
        // intervals, over three timeouts: nothing is read meanwhile, and that is the client's time, not the peer's.
        for (int step = 0; step < 10; step++)
        {
            await clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(100), $"keepalive step {step}");
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(WebSocketClientState.Connected, client.State);
        release.Set();
        await recorder.WaitForAsync("handled:slow");
        Assert.Equal(WebSocketClientState.Connected, client.State);
        Assert.DoesNotContain(recorder.Events, e => e.StartsWith("disconnect:", StringComparison.Ordinal));
    }

    /// <summary>A handler that blocks its thread (what SKWS007 warns of) until the test lets it go.</summary>
    [WebSocketHandler]
    private sealed partial class BlockingHandler(Recorder recorder, ManualResetEventSlim release)
    {
        [OnConnect] void Connected() => recorder.Add("connect");

        [OnText]
        void Text(string text)
        {
            recorder.Add("handling:" + text);
#pragma warning disable SKWS007 // the behaviour under test
            release.Wait(Recorder.Timeout);
#pragma warning restore SKWS007
            recorder.Add("handled:" + text);
        }

        [OnDisconnect]
        DisconnectResult Lost(DisconnectReason reason)
        {
            recorder.Add($"disconnect:{reason.Kind}");
            return DisconnectResult.Close("test over");
        }
    }

    [Fact]
    public async Task Issue14_3_a_peer_that_talks_but_stopped_reading_is_found_dead_by_the_write_that_never_completes()
    {
        var recorder = new Recorder();
        var clock = new TestClock();
        var talk = new SemaphoreSlim(0);
        var over = new CancellationTokenSource();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            // Never reads after the handshake, but says something each time the test asks: alive to a silence check.
            await connection.AcceptAsync();
            for (int n = 1; ; n++)
            {
                await talk.WaitAsync(over.Token);
                await connection.SendAsync(RawConnection.Text($"still here {n}"));
            }
        });
        var options = new WebSocketClientOptions
        {
            KeepAlive = TimeSpan.FromSeconds(1),
            KeepAliveTimeout = TimeSpan.FromSeconds(2),
            SendQueueCapacity = 4,
            TimeProvider = clock,
        };
        var handler = new PingRecorder(recorder);
        WebSocketClient client = WebSocketClient.Start(peer.Url, handler, options);
        await using IAsyncDisposable stopping = clock.Own(client);
        await recorder.WaitForAsync("connect");

        // Far more than loopback's socket buffers hold, casts and the keepalive's pings both in flight: the writer
        // blocks for good once the buffers are full.
        byte[] megabyte = new byte[1024 * 1024];
        Task sending = Task.Run(async () =>
        {
            for (int i = 0; i < 256; i++)
            {
                if (!client.Cast(WebSocketFrame.Binary(megabyte)))
                {
                    try
                    {
                        await client.SendAsync(WebSocketFrame.Binary(megabyte));
                    }
                    catch (InvalidOperationException)
                    {
                        return; // the connection ended under the send: what the test waits for
                    }
                }
            }
        });

        // Each fake second: the peer speaks (and the client hears it), then time moves to the keepalive's next wake-up.
        for (int n = 1; n <= 200 && !client.Completion.IsCompleted; n++)
        {
            talk.Release();
            await Task.WhenAny(client.Completion, recorder.WaitForAsync($"text:still here {n}"));
            await Task.WhenAny(client.Completion, clock.WaitUntilAsync(() => clock.Pending.Length > 0, "the keepalive to wait"));
            if (clock.Pending is [var next, ..])
            {
                clock.Advance(next);
            }
        }

        await client.Completion.WaitAsync(Recorder.Timeout);
        over.Cancel();
        await sending.WaitAsync(Recorder.Timeout);
        Assert.Equal(DisconnectKind.KeepAliveTimeout, handler.LastDisconnect!.Kind);
        Assert.Equal("keepalive timeout: a write has not completed within 2 s; the peer stopped reading", handler.LastDisconnect.Message);
    }
}
