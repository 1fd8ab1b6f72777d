using System.Net.WebSockets;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>Start, connect, stop and terminate: contract rows 2 and 13, and OnInit inside Start.</summary>
public class LifecycleTests
{
    [Fact]
    public async Task OnInit_runs_inside_Start_before_any_IO()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartEchoAsync();

        await using WebSocketClient client = WebSocketClient.Start(server.Url, new RecordingHandler(recorder));

        Assert.Equal("init", recorder.Events[0]);
        await recorder.WaitForAsync("connect");
    }

    [Fact]
    public void An_exception_from_OnInit_comes_out_of_Start()
    {
        var handler = new ThrowingInitHandler();

        var error = Assert.Throws<InvalidOperationException>(() => WebSocketClient.Start("ws://127.0.0.1:1/ws", handler));

        Assert.Equal("no config", error.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1/ws")]
    [InlineData("not a url")]
    [InlineData("/relative/ws")]
    public void Start_refuses_what_is_not_a_WebSocket_URL(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => WebSocketClient.Start(url, new RecordingHandler(new Recorder())));

        Assert.Contains("ws://", error.Message);
    }

    [Theory]
    [InlineData("ftp://user:pa55word@127.0.0.1/x?token=T0KEN#SECRET")]
    [InlineData("http://user:pa55word@127.0.0.1/ws?token=T0KEN#SECRET")]
    public void Issue14_10_a_refused_URL_is_named_without_its_user_info_query_or_fragment(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => WebSocketClient.Start(url, new RecordingHandler(new Recorder())));

        Assert.Contains("127.0.0.1/", error.Message);
        foreach (string secret in new[] { "user", "pa55word", "T0KEN", "token", "SECRET" })
        {
            Assert.DoesNotContain(secret, error.Message);
        }
    }

    [Fact]
    public void Start_refuses_an_option_out_of_range_and_names_it()
    {
        var options = new WebSocketClientOptions { MaxMessageSize = 0 };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => WebSocketClient.Start("ws://127.0.0.1:1/ws", new RecordingHandler(new Recorder()), options));

        Assert.Equal("MaxMessageSize", error.ParamName);
    }

    [Fact]
    public async Task Row2_OnConnect_runs_before_a_frame_the_server_sends_at_once()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartAsync(async socket =>
        {
            // Sent the moment the server accepts: it may reach the client with the 101 response.
            await socket.SendAsync("first"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
            await socket.ReceiveMessageAsync();
        });

        await using WebSocketClient client = WebSocketClient.Start(server.Url, new RecordingHandler(recorder));

        string[] events = await recorder.WaitForAsync("text:first");
        Assert.Equal(["init", "connect", "text:first"], events);
    }

    [Fact]
    public async Task Row13_StopAsync_closes_with_1000_and_runs_OnTerminate_exactly_once()
    {
        var recorder = new Recorder();
        var serverSaw = new TaskCompletionSource<(WebSocketCloseStatus?, string?)>();
        await using KestrelServer server = await KestrelServer.StartAsync(async socket =>
        {
            await socket.ReceiveMessageAsync();
            serverSaw.TrySetResult((socket.CloseStatus, socket.CloseStatusDescription));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        });
        WebSocketClient client = WebSocketClient.Start(server.Url, new RecordingHandler(recorder));
        await recorder.WaitForAsync("connect");

        // Stop from several callers at once, then dispose: one termination.
        await Task.WhenAll(client.StopAsync(), client.StopAsync(), Task.Run(() => client.StopAsync()));
        await client.DisposeAsync();
        TerminateReason reason = await client.Completion;

        Assert.Equal(TerminateKind.Stopped, reason.Kind);
        Assert.Equal(WebSocketClientState.Terminated, client.State);
        Assert.Single(recorder.Events, e => e.StartsWith("terminate:", StringComparison.Ordinal));
        Assert.Equal("terminate:Stopped", recorder.Events[^1]);
        Assert.Equal((WebSocketCloseStatus.NormalClosure, ""), await serverSaw.Task.WaitAsync(Recorder.Timeout));
        // A stop is not a disconnect the handler decides on: OnDisconnect does not run.
        Assert.DoesNotContain(recorder.Events, e => e.StartsWith("disconnect:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Row13_StopAsync_while_the_server_is_unreachable_still_terminates_once()
    {
        var recorder = new Recorder();
        var handler = new RecordingHandler(recorder) { Decide = _ => DisconnectResult.ReconnectAfter(TimeSpan.FromMinutes(10)) };
        // Port 1 on loopback: nothing listens, the connect is refused at once.
        WebSocketClient client = WebSocketClient.Start("ws://127.0.0.1:1/ws", handler);
        await recorder.WaitForPrefixAsync("disconnect:TransportError");

        await client.StopAsync();

        Assert.Equal(TerminateKind.Stopped, (await client.Completion).Kind);
        Assert.Equal("terminate:Stopped", recorder.Events[^1]);
        Assert.Single(recorder.Events, e => e.StartsWith("terminate:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Row13_Completion_ends_with_the_reason_OnDisconnect_gave()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartAsync(socket =>
            socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None));
        var handler = new RecordingHandler(recorder) { Decide = _ => DisconnectResult.Close("server said bye") };

        WebSocketClient client = WebSocketClient.Start(server.Url, handler);
        TerminateReason reason = await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(TerminateKind.Closed, reason.Kind);
        Assert.Equal("server said bye", reason.Reason);
        Assert.Equal("terminate:Closed", recorder.Events[^1]);
    }

    private sealed class ThrowingInitHandler : IWebSocketHandler
    {
        public InitResult OnInit() => throw new InvalidOperationException("no config");

        public ValueTask<HandlerResult> OnConnectAsync(CancellationToken cancellationToken) => default;

        public ValueTask<HandlerResult> OnFrameAsync(WebSocketFrame frame, CancellationToken cancellationToken) => default;

        public ValueTask<HandlerResult> OnInfoAsync(object message, CancellationToken cancellationToken) => default;

        public ValueTask<DisconnectResult> OnDisconnectAsync(DisconnectReason reason, CancellationToken cancellationToken) => default;

        public ValueTask OnTerminateAsync(TerminateReason reason) => default;
    }
}
