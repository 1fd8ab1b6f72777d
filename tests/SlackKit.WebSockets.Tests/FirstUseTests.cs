using System.Text;
using Microsoft.Extensions.Logging;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>
/// Issue 11, what a new user tripped over: the first send, sending from inside a handler, errors that say why, logs
/// that read well, one handler instance per client.
/// </summary>
public partial class FirstUseTests
{
    [Fact]
    public async Task Issue11_1_SendAsync_right_after_Start_waits_for_the_connection_and_follows_what_OnConnect_sent()
    {
        var accept = new TaskCompletionSource();
        var wire = new List<string>();
        var sawBoth = new TaskCompletionSource();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await accept.Task.WaitAsync(Recorder.Timeout); // the handshake waits until the test has called SendAsync
            await connection.AcceptAsync();
            while (await connection.ReadFrameAsync() is { Opcode: 1 } frame)
            {
                wire.Add(Encoding.UTF8.GetString(frame.Payload));
                if (wire.Count == 2)
                {
                    sawBoth.TrySetResult();
                }
            }
        });
        var greeter = new Greeter();
        await using WebSocketClient client = WebSocketClient.Start(peer.Url, greeter);

        Assert.False(client.Cast(WebSocketFrame.Text("lost"))); // Cast never waits: not connected yet
        ValueTask first = client.SendAsync(WebSocketFrame.Text("first"));
        Assert.False(first.IsCompleted);
        accept.SetResult();
        await first.AsTask().WaitAsync(Recorder.Timeout);
        await sawBoth.Task.WaitAsync(Recorder.Timeout);

        Assert.Equal(["hello from OnConnect", "first"], wire);
        await client.WaitUntilConnectedAsync().WaitAsync(Recorder.Timeout); // connected now: completes at once
    }

    [Fact]
    public async Task Issue11_1_waiting_for_a_connection_is_cancellable_and_sends_nothing_once_cancelled()
    {
        var recorder = new Recorder();
        var handler = new RecordingHandler(recorder) { Decide = _ => DisconnectResult.Ok };
        await using WebSocketClient client = WebSocketClient.Start("ws://127.0.0.1:1/ws", handler);
        await recorder.WaitForPrefixAsync("disconnect:TransportError");
        using var cancel = new CancellationTokenSource();

        ValueTask waiting = client.SendAsync(WebSocketFrame.Text("never"), cancel.Token);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.AsTask());
        Assert.Equal(0, client.DroppedFrames); // nothing was queued
    }

    [Fact]
    public async Task Issue11_2_a_handler_sends_before_it_returns_and_the_peer_sees_both_frames_in_order()
    {
        var slowWorkMayEnd = new TaskCompletionSource();
        var wire = new List<string>();
        var sawReply = new TaskCompletionSource();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync(RawConnection.Text("deploy"));
            while (await connection.ReadFrameAsync() is { Opcode: 1 } frame)
            {
                string text = Encoding.UTF8.GetString(frame.Payload);
                wire.Add(text);
                if (text.StartsWith("ack", StringComparison.Ordinal))
                {
                    slowWorkMayEnd.SetResult(); // the ack is on the wire while the handler is still running
                }
                else
                {
                    sawReply.TrySetResult();
                }
            }
        });
        var handler = new Acknowledger(slowWorkMayEnd.Task);
        await using WebSocketClient client = WebSocketClient.Start(peer.Url, handler);

        await sawReply.Task.WaitAsync(Recorder.Timeout);

        Assert.Equal(["ack deploy", "done deploy"], wire);
        Assert.Same(client, handler.Client); // the generator passed the client that calls the handler
    }

    [Fact]
    public async Task Issue11_2_a_handler_that_waits_for_a_connection_while_disconnected_is_told_at_once_instead_of_hanging()
    {
        var recorder = new Recorder();
        var handler = new SendsWhileDisconnected(recorder);
        await using WebSocketClient client = WebSocketClient.Start("ws://127.0.0.1:1/ws", handler);

        string[] events = await recorder.WaitForAsync(e => e.Length == 1, "OnDisconnect's send");

        Assert.StartsWith("refused: A handler waited for a connection while the client is Disconnected", events[0]);
    }

    [Fact]
    public async Task Issue11_3_a_host_that_does_not_resolve_is_named_in_the_reason_and_the_log_event_carries_the_exception()
    {
        var recorder = new Recorder();
        var handler = new RecordingHandler(recorder);
        using var logs = new CapturingLogger();
        await using WebSocketClient client = WebSocketClient.Start("ws://no-such-host.invalid/ws", handler,
            new WebSocketClientOptions { LoggerFactory = logs.Factory() });

        await recorder.WaitForPrefixAsync("disconnect:TransportError");

        Assert.Contains("no-such-host.invalid", handler.LastDisconnect!.Message);
        var failed = Assert.Single(logs.Entries, e => e.Id.Id == 13);
        Assert.NotNull(failed.Exception);
        Assert.Contains("no-such-host.invalid", failed.Message);
    }

    [Fact]
    public async Task Issue11_3_a_URL_providers_own_exception_reaches_OnDisconnect_unwrapped_so_a_revoked_token_stops_the_retries()
    {
        var recorder = new Recorder();
        int asked = 0;
        var handler = new RecordingHandler(recorder)
        {
            Decide = reason => reason.Exception is TokenRevokedException ? DisconnectResult.Close("token revoked") : DisconnectResult.Reconnect,
        };
        await using WebSocketClient client = WebSocketClient.Start(_ =>
        {
            Interlocked.Increment(ref asked);
            throw new TokenRevokedException();
        }, handler);

        TerminateReason end = await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(DisconnectKind.UrlProviderFailed, handler.LastDisconnect!.Kind);
        Assert.IsType<TokenRevokedException>(handler.LastDisconnect.Exception);
        Assert.Equal("URL provider failed: token_revoked", handler.LastDisconnect.Message);
        Assert.Equal("token revoked", end.Reason);
        Assert.Equal(1, asked);
    }

    [Fact]
    public async Task Issue11_4_a_failed_attempt_is_logged_as_one_with_its_number_and_the_wait_in_milliseconds_under_the_handlers_name()
    {
        var recorder = new Recorder();
        var handler = new RecordingHandler(recorder) { Decide = _ => DisconnectResult.Reconnect };
        using var logs = new CapturingLogger();
        await using WebSocketClient client = WebSocketClient.Start("ws://127.0.0.1:1/ws", handler, new WebSocketClientOptions
        {
            LoggerFactory = logs.Factory(),
            ReconnectDelay = TimeSpan.FromMilliseconds(1),
        });

        await recorder.WaitForAsync(e => e.Count(x => x.StartsWith("disconnect:", StringComparison.Ordinal)) >= 2, "two failed attempts");
        await client.StopAsync();

        (LogLevel Level, EventId Id, string Message, Exception? Exception)[] entries = logs.Entries;
        Assert.DoesNotContain(entries, e => e.Id.Id == 3); // never connected: no "Disconnected from"
        Assert.StartsWith("Connect attempt 1 to ws://127.0.0.1:1/ws failed: transport error:", entries.First(e => e.Id.Id == 13).Message);
        Assert.StartsWith("Connect attempt 2 to", entries.Where(e => e.Id.Id == 13).ElementAt(1).Message);
        Assert.Matches(@"^Reconnecting in \d+ ms \(attempt 2\)", entries.First(e => e.Id.Id == 4).Message);
        Assert.Contains("SlackKit.WebSockets.WebSocketClient.RecordingHandler", logs.Categories);
    }

    [Fact]
    public async Task Issue11_6_one_handler_instance_given_to_a_second_running_client_is_refused_and_taken_again_once_the_first_ends()
    {
        var recorder = new Recorder();
        var handler = new RecordingHandler(recorder) { Decide = _ => DisconnectResult.Ok };
        WebSocketClient first = WebSocketClient.Start("ws://127.0.0.1:1/ws", handler);

        var refused = Assert.Throws<InvalidOperationException>(() => WebSocketClient.Start("ws://127.0.0.1:1/ws", handler));
        Assert.Contains("RecordingHandler instance is already the handler of a running WebSocketClient", refused.Message);
        Assert.Equal(1, recorder.Events.Count(e => e == "init")); // refused before its [OnInit] ran

        await first.StopAsync();
        await using WebSocketClient second = WebSocketClient.Start("ws://127.0.0.1:1/ws", handler);
        Assert.Equal(2, recorder.Events.Count(e => e == "init"));
    }

    private sealed class TokenRevokedException() : Exception("token_revoked");

    [WebSocketHandler]
    private sealed partial class Greeter
    {
        [OnConnect]
        private WebSocketFrame Connected() => WebSocketFrame.Text("hello from OnConnect");

        [OnDisconnect]
        private DisconnectResult Lost() => DisconnectResult.Close("test over");
    }

    /// <summary>Acknowledge now, do the slow work, then answer: what every Slack bot does.</summary>
    [WebSocketHandler]
    private sealed partial class Acknowledger(Task slowWork)
    {
        public WebSocketClient? Client { get; private set; }

        [OnText]
        private async Task<WebSocketFrame> Handle(string text, WebSocketClient client, CancellationToken cancellationToken)
        {
            Client = client;
            await client.SendAsync(WebSocketFrame.Text("ack " + text), cancellationToken);
            await slowWork.WaitAsync(cancellationToken);
            return WebSocketFrame.Text("done " + text);
        }

        [OnDisconnect]
        private DisconnectResult Lost() => DisconnectResult.Close("test over");
    }

    [WebSocketHandler]
    private sealed partial class SendsWhileDisconnected(Recorder recorder)
    {
        [OnDisconnect]
        private async Task<DisconnectResult> Lost(WebSocketClient client)
        {
            try
            {
                await client.SendAsync(WebSocketFrame.Text("nobody is there"));
                recorder.Add("sent");
            }
            catch (InvalidOperationException ex)
            {
                recorder.Add("refused: " + ex.Message);
            }

            return DisconnectResult.Close("test over");
        }
    }
}
