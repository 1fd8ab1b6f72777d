using System.Net.WebSockets;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>Close handshakes from either side: contract rows 5, 6 and 12.</summary>
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
}
