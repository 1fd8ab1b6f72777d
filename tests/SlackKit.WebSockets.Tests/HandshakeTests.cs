using System.Net;
using System.Text;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>
/// The opening handshake against raw peers that answer it every way HTTP allows, and some it does not: contract
/// rows 2, 7, 8 and 13, and the handshake faults of issue 14 (points 4, 6, 7, 8, 10, 11).
/// </summary>
public partial class HandshakeTests
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
    public async Task A_101_with_bare_LF_line_ends_is_followed_exactly_frames_in_its_packet_arrive_at_once_and_no_ping_is_made_up()
    {
        var recorder = new Recorder();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            // A binary frame whose payload is CR LF CR LF, then "hi": a reader that looks for the response's end in
            // the frames (or that does not know LF alone ends a line) loses step here.
            byte[] frames = [0x82, 0x04, 0x0D, 0x0A, 0x0D, 0x0A, 0x81, 0x02, (byte)'h', (byte)'i'];
            await connection.RespondAsync(
                $"HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\nSec-WebSocket-Accept: {connection.Accept}\n\n", frames);
            await connection.ReadUntilCloseAsync(); // and sends nothing more: "hi" must not wait for another frame
        });

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, new BinaryAndPingRecorder(recorder));

        string[] events = await recorder.WaitForAsync("text:hi");
        Assert.Equal(["connect", "binary:0D0A0D0A", "text:hi"], events);
    }

    [Theory]
    [InlineData("HTTP/1.1 100 Continue\r\n\r\n")]
    [InlineData("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n")]
    [InlineData("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.js>; rel=preload\r\n\r\n")]
    public async Task Informational_answers_before_the_101_are_skipped_and_pings_and_pongs_still_work_both_ways(string informational)
    {
        var recorder = new Recorder();
        var pong = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientPing = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            await connection.RespondAsync(informational +
                $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {connection.Accept}\r\n\r\n",
                RawConnection.Ping("server ping"));
            while (await connection.ReadFrameAsync() is { } frame)
            {
                if (frame.Opcode == 0xA)
                {
                    pong.TrySetResult(Encoding.UTF8.GetString(frame.Payload));
                }
                else if (frame.Opcode == 0x9)
                {
                    clientPing.TrySetResult(Encoding.UTF8.GetString(frame.Payload));
                    await connection.SendAsync(RawConnection.Frame(0xA, frame.Payload));
                }
            }
        });
        var handler = new PingRecorder(recorder);
        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler);

        Assert.Equal("server ping", await pong.Task.WaitAsync(Recorder.Timeout));
        await recorder.WaitForAsync("ping:server ping");
        Assert.True(client.Cast(WebSocketFrame.Ping(Encoding.UTF8.GetBytes("client ping"))));
        Assert.Equal("client ping", await clientPing.Task.WaitAsync(Recorder.Timeout));
        await recorder.WaitForAsync("pong:client ping");
    }

    [Fact]
    public async Task Row8_a_handshake_refused_with_401_or_403_is_not_retried_by_default()
    {
        foreach (int status in new[] { 401, 403 })
        {
            var recorder = new Recorder();
            await using RawPeer peer = RawPeer.Start(connection => connection.RefuseAsync(status, "No", ("X-Why", "token revoked")));
            var handler = new DefaultDisconnectHandler(recorder);

            await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler, new WebSocketClientOptions { ReconnectDelay = TimeSpan.FromMilliseconds(10) });
            TerminateReason end = await client.Completion.WaitAsync(Recorder.Timeout);

            Assert.Equal(TerminateKind.Closed, end.Kind);
            Assert.Contains($"handshake refused: HTTP {status}", end.Reason);
            Assert.Equal(1, peer.Attempts);
            Assert.DoesNotContain("connect", recorder.Events);
        }
    }

    [Fact]
    public async Task Row7_a_refused_handshake_reason_carries_the_HTTP_status_and_headers()
    {
        var recorder = new Recorder();
        await using RawPeer peer = RawPeer.Start(connection => connection.RefuseAsync(401, "Unauthorized", ("X-Why", "token revoked")));
        var handler = new RecordingHandler(recorder);

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
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
        var clock = new TestClock();
        await using RawPeer peer = RawPeer.Start(async (connection, attempt) =>
        {
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
        var options = new WebSocketClientOptions { ReconnectDelay = TimeSpan.FromMilliseconds(10), TimeProvider = clock };

        WebSocketClient client = WebSocketClient.Start(peer.Url, handler, options);

        await using IAsyncDisposable stopping = clock.Own(client);

        // The reconnect waits a second (not the handler's 0, nor a 10 ms backoff), and nothing happens before it is up.
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(1), "the reconnect");
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, peer.Attempts);
        Assert.Contains(TimeSpan.FromMilliseconds(1), clock.Pending);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await recorder.WaitForAsync("connect");
        Assert.Equal(2, peer.Attempts);
    }

    [Fact]
    public async Task A_handshake_never_answered_fails_after_ConnectTimeout_as_a_transport_error()
    {
        var recorder = new Recorder();
        var clock = new TestClock();
        var requestSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            requestSeen.SetResult();
            await release.Task.WaitAsync(Recorder.Timeout); // and never answers
        });
        var handler = new RecordingHandler(recorder);

        WebSocketClient client = WebSocketClient.Start(peer.Url, handler, new WebSocketClientOptions { ConnectTimeout = TimeSpan.FromSeconds(10), TimeProvider = clock });

        await using IAsyncDisposable stopping = clock.Own(client);
        await requestSeen.Task.WaitAsync(Recorder.Timeout);
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(10), "the connect attempt");
        clock.Advance(TimeSpan.FromSeconds(10));
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
        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler, new WebSocketClientOptions { ConnectTimeout = TimeSpan.FromHours(1) });
        await requestSeen.Task.WaitAsync(Recorder.Timeout);

        await client.StopAsync().WaitAsync(Recorder.Timeout);

        Assert.Equal(TerminateKind.Stopped, (await client.Completion).Kind);
        await dropped.Task.WaitAsync(Recorder.Timeout); // the peer saw the TCP connection end
        Assert.Null(handler.LastDisconnect); // a stop is not a disconnect for OnDisconnect to decide on
        Assert.Equal("terminate:Stopped", recorder.Events[^1]);
    }

    [Theory]
    [InlineData(301, "ws")]
    [InlineData(302, "http")]
    [InlineData(307, "ws")]
    [InlineData(308, "http")]
    public async Task A_redirect_is_not_followed_its_reason_names_the_Location_redacted_and_the_request_headers_go_nowhere_else(int status, string scheme)
    {
        var recorder = new Recorder();
        await using RawPeer elsewhere = RawPeer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            await connection.RefuseAsync(500, "Should never be asked");
        });
        string location = $"{scheme}://user:secret@127.0.0.1:{elsewhere.Url.Port}/elsewhere?token=SECRET#frag";
        string? request = null;
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            request = await connection.ReadRequestAsync();
            await connection.RespondAsync($"HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n");
            await connection.ReadFrameAsync();
        });
        var handler = new RecordingHandler(recorder);
        var options = new WebSocketClientOptions
        {
            ConfigureRequest = (r, _) =>
            {
                r.SetRequestHeader("X-Api-Key", "k-123");
                return ValueTask.CompletedTask;
            },
            ConfigureHandler = h => h.AllowAutoRedirect = true, // even asked for, redirects are not followed
        };

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler, options);
        await client.Completion.WaitAsync(Recorder.Timeout);

        DisconnectReason reason = handler.LastDisconnect!;
        Assert.Equal(DisconnectKind.HandshakeRefused, reason.Kind);
        Assert.Equal((HttpStatusCode)status, reason.HttpStatusCode);
        Assert.Contains($"redirected to {scheme}://127.0.0.1:{elsewhere.Url.Port}/elsewhere", reason.Message);
        Assert.DoesNotContain("secret", reason.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("frag", reason.Message);
        Assert.Contains("X-Api-Key: k-123", request);
        Assert.Equal(0, elsewhere.Attempts);
    }

    [Fact]
    public async Task The_upgrade_is_an_HTTP_1_1_GET_with_the_headers_and_cookie_ConfigureRequest_set()
    {
        var recorder = new Recorder();
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync();
            seen.SetResult(connection.Request!); // the client may see the 101 before this line runs: the test awaits it
            await connection.ReadUntilCloseAsync();
        });
        var options = new WebSocketClientOptions
        {
            ConfigureRequest = (r, _) =>
            {
                r.SetRequestHeader("Authorization", "Bearer xapp-1");
                r.SetRequestHeader("Cookie", "session=abc; theme=dark");
                r.AddSubProtocol("chat.v1");
                return ValueTask.CompletedTask;
            },
        };

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, new RecordingHandler(recorder), options);
        await recorder.WaitForAsync("connect");

        string[] lines = (await seen.Task.WaitAsync(Recorder.Timeout)).Split("\r\n");
        Assert.Equal("GET /raw HTTP/1.1", lines[0]);
        Assert.Contains("Authorization: Bearer xapp-1", lines);
        Assert.Contains("Cookie: session=abc; theme=dark", lines);
        Assert.Contains("Sec-WebSocket-Version: 13", lines);
        Assert.Contains("Sec-WebSocket-Protocol: chat.v1", lines);
        Assert.Contains(lines, l => l.Equals("Upgrade: websocket", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void ConfigureRequest_cannot_set_the_upgrades_own_headers_nor_a_header_with_a_line_break()
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "ws://127.0.0.1/");
        var request = new WebSocketRequest(new Uri("ws://127.0.0.1/"), message.Headers);

        Assert.Throws<ArgumentException>(() => request.SetRequestHeader("Sec-WebSocket-Key", "x"));
        Assert.Throws<ArgumentException>(() => request.SetRequestHeader("upgrade", "h2c"));
        Assert.Throws<ArgumentException>(() => request.SetRequestHeader("X-Evil", "a\r\nX-Injected: 1"));
        Assert.Throws<ArgumentException>(() => request.AddSubProtocol("two words"));
    }

    [Fact]
    public async Task Response_headers_over_the_HTTP_stacks_limit_fail_with_a_reason_that_says_so()
    {
        var recorder = new Recorder();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            string huge = string.Concat(Enumerable.Range(0, 70).Select(i => $"X-Filler-{i}: {new string('f', 1000)}\r\n"));
            await connection.RespondAsync($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {connection.Accept}\r\n{huge}\r\n");
            await connection.ReadFrameAsync();
        });
        var handler = new RecordingHandler(recorder);

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(DisconnectKind.TransportError, handler.LastDisconnect!.Kind);
        Assert.Contains("65536", handler.LastDisconnect.Message);
    }

    [Theory]
    [InlineData("Sec-WebSocket-Extensions: permessage-deflate\r\n", "the extension 'permessage-deflate', which the client did not offer")]
    [InlineData("Sec-WebSocket-Protocol: other\r\n", "the sub-protocol 'other', which the client did not ask for")]
    [InlineData("", "no Sec-WebSocket-Accept that matches")]
    public async Task A_101_that_breaks_RFC_6455_section_4_1_fails_the_attempt_and_OnConnect_never_runs(string extraHeader, string expected)
    {
        var recorder = new Recorder();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            string accept = extraHeader.Length == 0 ? "d3Jvbmcgd3Jvbmcgd3Jvbmc=" : connection.Accept;
            await connection.RespondAsync(
                $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n{extraHeader}\r\n",
                RawConnection.Text("never delivered"));
            await connection.ReadFrameAsync();
        });
        var handler = new RecordingHandler(recorder);

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler);
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(DisconnectKind.ProtocolError, handler.LastDisconnect!.Kind);
        Assert.Contains(expected, handler.LastDisconnect.Message);
        Assert.DoesNotContain("connect", recorder.Events);
        Assert.DoesNotContain(recorder.Events, e => e.StartsWith("text:", StringComparison.Ordinal));
    }

    [WebSocketHandler]
    private sealed partial class BinaryAndPingRecorder(Recorder recorder)
    {
        [OnConnect] void Connected() => recorder.Add("connect");

        [OnText] void Text(string text) => recorder.Add("text:" + text);

        [OnBinary] void Binary(ReadOnlyMemory<byte> data) => recorder.Add("binary:" + Convert.ToHexString(data.Span));

        [OnPing] void Ping() => recorder.Add("ping");

        [OnPong] void Pong() => recorder.Add("pong");

        [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Close("test over");
    }
}
