using System.Diagnostics;
using System.Net;
using System.Text;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>Peers that misbehave on purpose, over raw TCP on 127.0.0.1: contract rows 2, 4, 7, 8, 9 and 14.</summary>
public partial class MisbehavingPeerTests
{
    [Fact]
    public async Task Row2_a_frame_in_the_same_packet_as_the_101_is_delivered_after_OnConnect()
    {
        var recorder = new Recorder();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync(RawConnection.Text("with the handshake"));
            await connection.ReadUntilCloseAsync();
        });

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, new RecordingHandler(recorder));

        Assert.Equal(["init", "connect", "text:with the handshake"], await recorder.WaitForAsync("text:with the handshake"));
    }

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
                }
            }
        });
        var logs = new CapturingLogger();
        var options = new WebSocketClientOptions { ReceiveQueueCapacity = 8, LoggerFactory = logs.Factory() };
        WebSocketClient client = WebSocketClient.Start(peer.Url, new StuckPing(recorder, gate.Task), options);

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

        WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(DisconnectKind.TransportError, handler.LastDisconnect!.Kind);
        Assert.NotNull(handler.LastDisconnect.Exception);
        Assert.DoesNotContain(recorder.Events, e => e.StartsWith("text:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Row9_a_silent_peer_is_found_dead_within_KeepAlive_plus_KeepAliveTimeout()
    {
        var recorder = new Recorder();
        var pings = 0;
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            // Completes the handshake, reads what comes, and never answers anything.
            await connection.AcceptAsync();
            while (await connection.ReadFrameAsync() is { } frame)
            {
                if (frame.Opcode == 0x9)
                {
                    Interlocked.Increment(ref pings);
                }
            }
        });
        var options = new WebSocketClientOptions { KeepAlive = TimeSpan.FromMilliseconds(300), KeepAliveTimeout = TimeSpan.FromMilliseconds(500) };
        var handler = new RecordingHandler(recorder);

        WebSocketClient client = WebSocketClient.Start(peer.Url, handler, options);
        await recorder.WaitForAsync("connect");
        var sinceConnect = Stopwatch.StartNew();
        await recorder.WaitForPrefixAsync("disconnect:");
        sinceConnect.Stop();

        Assert.Equal(DisconnectKind.KeepAliveTimeout, handler.LastDisconnect!.Kind);
        Assert.Contains("keepalive timeout", handler.LastDisconnect.Message);
        Assert.True(Volatile.Read(ref pings) >= 1, "the peer saw no ping");
        // The contract's bound (KeepAlive + KeepAliveTimeout = 0.8 s) plus a generous margin for a loaded machine.
        Assert.True(sinceConnect.Elapsed < TimeSpan.FromSeconds(0.8 + 5), $"took {sinceConnect.Elapsed}");
    }

    [Fact]
    public async Task Row9_a_handler_slower_than_the_timeout_does_not_make_a_healthy_peer_look_dead()
    {
        var recorder = new Recorder();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            // More messages than the receive queue holds, so the client must stop reading while its handler is slow;
            // and every ping is answered, as a healthy peer does.
            await connection.AcceptAsync(Enumerable.Range(1, 4).Select(i => RawConnection.Text($"m{i}")).ToArray());
            while (await connection.ReadFrameAsync() is { } frame)
            {
                if (frame.Opcode == 0x9)
                {
                    await connection.SendAsync(RawConnection.Frame(0xA, frame.Payload));
                }
                else if (frame.Opcode == 0x8)
                {
                    await connection.SendAsync(RawConnection.Close(1000));
                }
            }
        });
        var timeout = TimeSpan.FromMilliseconds(300);
        var options = new WebSocketClientOptions { KeepAlive = TimeSpan.FromMilliseconds(100), KeepAliveTimeout = timeout, ReceiveQueueCapacity = 1 };
        // The slowness is the behaviour under test: each message takes three keepalive timeouts to handle.
        var handler = new SlowHandler(recorder, timeout * 3);

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler, options);
        await recorder.WaitForAsync("slow:m4");

        Assert.Equal(WebSocketClientState.Connected, client.State);
        Assert.DoesNotContain(recorder.Events, e => e.StartsWith("disconnect:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task Row8_a_handshake_refused_with_401_or_403_is_not_retried_by_default(int status)
    {
        var recorder = new Recorder();
        await using RawPeer peer = RawPeer.Start(connection => connection.RefuseAsync(status, "No", ("X-Why", "token revoked")));
        var handler = new DefaultDisconnectHandler(recorder);

        WebSocketClient client = WebSocketClient.Start(peer.Url, handler, new WebSocketClientOptions { ReconnectDelay = TimeSpan.FromMilliseconds(10) });
        TerminateReason end = await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(TerminateKind.Closed, end.Kind);
        Assert.Contains($"handshake refused: HTTP {status}", end.Reason);
        Assert.Equal(1, peer.Attempts);
        Assert.DoesNotContain("connect", recorder.Events);
    }

    [Fact]
    public async Task Row7_a_refused_handshake_reason_carries_the_HTTP_status_and_headers()
    {
        var recorder = new Recorder();
        await using RawPeer peer = RawPeer.Start(connection => connection.RefuseAsync(401, "Unauthorized", ("X-Why", "token revoked")));
        var handler = new RecordingHandler(recorder);

        WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);

        DisconnectReason reason = handler.LastDisconnect!;
        Assert.Equal(DisconnectKind.HandshakeRefused, reason.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, reason.HttpStatusCode);
        Assert.Equal("token revoked", reason.HttpHeaders["X-Why"].Single());
        Assert.Equal("handshake refused: HTTP 401 Unauthorized", reason.Message);
    }

    [Theory]
    [InlineData(429, false)]
    [InlineData(503, true)]
    public async Task Row8_a_handshake_refused_with_Retry_After_waits_at_least_that_long(int status, bool handlerSaysReconnectAtOnce)
    {
        var recorder = new Recorder();
        var attempts = new List<long>();
        await using RawPeer peer = RawPeer.Start(async (connection, attempt) =>
        {
            lock (attempts)
            {
                attempts.Add(Stopwatch.GetTimestamp());
            }

            if (attempt == 1)
            {
                await connection.RefuseAsync(status, "Busy", ("Retry-After", "1"));
            }
            else
            {
                await connection.AcceptAsync();
                await connection.ReadUntilCloseAsync();
            }
        });
        IWebSocketHandler handler = handlerSaysReconnectAtOnce
            ? new RecordingHandler(recorder) { Decide = _ => DisconnectResult.ReconnectAfter(TimeSpan.Zero) }
            : new DefaultDisconnectHandler(recorder);

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler, new WebSocketClientOptions { ReconnectDelay = TimeSpan.FromMilliseconds(10) });
        await recorder.WaitForAsync("connect");

        TimeSpan gap;
        lock (attempts)
        {
            gap = Stopwatch.GetElapsedTime(attempts[0], attempts[1]);
        }

        Assert.True(gap >= TimeSpan.FromSeconds(1), $"the second attempt came after {gap.TotalMilliseconds} ms");
    }

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

        WebSocketClient client = WebSocketClient.Start(peer.Url, handler, new WebSocketClientOptions { MaxMessageSize = 1000 });
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

        WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(1007, await closeCode.Task.WaitAsync(Recorder.Timeout));
        Assert.Equal(DisconnectKind.ProtocolError, handler.LastDisconnect!.Kind);
        Assert.Equal(1007, handler.LastDisconnect.CloseCode);
        Assert.Equal("protocol error: the peer sent a text message that is not valid UTF-8; closed with 1007", handler.LastDisconnect.Message);
        Assert.DoesNotContain(recorder.Events, e => e.StartsWith("text:", StringComparison.Ordinal));
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

        WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(DisconnectKind.ProtocolError, handler.LastDisconnect!.Kind);
        Assert.Equal($"protocol error: the peer closed with the invalid code {code}; closed with 1002", handler.LastDisconnect.Message);
    }

    [Fact]
    public async Task A_handshake_never_answered_fails_after_ConnectTimeout_as_a_transport_error()
    {
        var recorder = new Recorder();
        var release = new TaskCompletionSource();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            await release.Task.WaitAsync(Recorder.Timeout); // and never answers
        });
        var handler = new RecordingHandler(recorder);

        WebSocketClient client = WebSocketClient.Start(peer.Url, handler, new WebSocketClientOptions { ConnectTimeout = TimeSpan.FromMilliseconds(300) });
        await client.Completion.WaitAsync(Recorder.Timeout);
        release.SetResult();

        Assert.Equal(DisconnectKind.TransportError, handler.LastDisconnect!.Kind);
        var timeout = Assert.IsType<TimeoutException>(handler.LastDisconnect.Exception);
        Assert.Contains("ConnectTimeout", timeout.Message);
        Assert.DoesNotContain("connect", recorder.Events);
    }

    [Fact]
    public async Task Row13_StopAsync_during_a_handshake_never_answered_ends_the_attempt_at_once()
    {
        var recorder = new Recorder();
        var requestSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            requestSeen.SetResult();
            // Never answers; the attempt must end because the client stops, long before its ConnectTimeout.
            if (await connection.ReadFrameAsync() is null)
            {
                dropped.SetResult();
            }
        });
        var handler = new RecordingHandler(recorder);
        WebSocketClient client = WebSocketClient.Start(peer.Url, handler, new WebSocketClientOptions { ConnectTimeout = TimeSpan.FromHours(1) });
        await requestSeen.Task.WaitAsync(Recorder.Timeout);

        await client.StopAsync().WaitAsync(Recorder.Timeout);

        Assert.Equal(TerminateKind.Stopped, (await client.Completion).Kind);
        await dropped.Task.WaitAsync(Recorder.Timeout); // the peer saw the TCP connection end
        Assert.Null(handler.LastDisconnect); // a stop is not a disconnect for OnDisconnect to decide on
        Assert.Equal("terminate:Stopped", recorder.Events[^1]);
    }

    [Fact]
    public async Task A_peer_that_never_answers_our_close_is_dropped_after_CloseTimeout()
    {
        var recorder = new Recorder();
        var sawClose = new TaskCompletionSource<int?>();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync(RawConnection.Text("close, please"));
            sawClose.TrySetResult(await connection.ReadUntilCloseAsync());
            await connection.ReadFrameAsync(); // and then nothing, until the client drops the connection
        });
        var handler = new RecordingHandler(recorder) { TextReply = _ => HandlerResult.Close(4000, "bye") };

        WebSocketClient client = WebSocketClient.Start(peer.Url, handler, new WebSocketClientOptions { CloseTimeout = TimeSpan.FromMilliseconds(300) });
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(4000, await sawClose.Task.WaitAsync(Recorder.Timeout));
        Assert.Equal(DisconnectKind.LocalClose, handler.LastDisconnect!.Kind);
        Assert.Equal(4000, handler.LastDisconnect.CloseCode);
    }

    [WebSocketHandler]
    private sealed partial class PingRecorder(Recorder recorder)
    {
        [OnConnect] void Connected() => recorder.Add("connect");

        [OnText] void Text(string text) => recorder.Add("text:" + text);

        [OnPing] void Ping(ReadOnlyMemory<byte> payload) => recorder.Add("ping:" + Encoding.UTF8.GetString(payload.Span));

        [OnPong] void Pong(ReadOnlyMemory<byte> payload) => recorder.Add("pong:" + Encoding.UTF8.GetString(payload.Span));

        [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Close("test over");
    }

    [WebSocketHandler]
    private sealed partial class StuckPing(Recorder recorder, Task gate)
    {
        [OnPing]
        async Task Ping()
        {
            recorder.Add("ping");
            await gate;
        }

        [OnText] void Text(string text) => recorder.Add("text:" + text);

        [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Close("test over");
    }

    [WebSocketHandler]
    private sealed partial class SlowHandler(Recorder recorder, TimeSpan slowness)
    {
        [OnText]
        async Task Text(string text)
        {
            await Task.Delay(slowness);
            recorder.Add("slow:" + text);
        }

        [OnDisconnect]
        DisconnectResult Lost(DisconnectReason reason)
        {
            recorder.Add($"disconnect:{reason.Kind}");
            return DisconnectResult.Close("test over");
        }
    }

    /// <summary>No [OnDisconnect] on purpose: what the client does by default is the behaviour under test.</summary>
#pragma warning disable SKWS001
    [WebSocketHandler]
    private sealed partial class DefaultDisconnectHandler(Recorder recorder)
#pragma warning restore SKWS001
    {
        [OnConnect] void Connected() => recorder.Add("connect");

        [OnTerminate] void Terminated(TerminateReason reason) => recorder.Add("terminate:" + reason.Kind);
    }
}
