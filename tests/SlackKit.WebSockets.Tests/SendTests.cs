using System.Collections.Concurrent;
using System.Net.WebSockets;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>The send path: Cast, SendAsync and contract row 10.</summary>
public class SendTests
{
    [Fact]
    public async Task Cast_from_several_threads_keeps_each_callers_order_and_loses_nothing()
    {
        const int Threads = 4;
        const int PerThread = 500;
        var received = new ConcurrentQueue<string>();
        var allReceived = new TaskCompletionSource();
        await using KestrelServer server = await KestrelServer.StartAsync(async socket =>
        {
            while (true)
            {
                Message message = await socket.ReceiveMessageAsync();
                if (message.Type == WebSocketMessageType.Close)
                {
                    return;
                }

                received.Enqueue(message.Text);
                if (received.Count == Threads * PerThread)
                {
                    allReceived.TrySetResult();
                }
            }
        });
        var recorder = new Recorder();
        await using WebSocketClient client = WebSocketClient.Start(server.Url, new RecordingHandler(recorder),
            new WebSocketClientOptions { SendQueueCapacity = Threads * PerThread });
        await recorder.WaitForAsync("connect");

        using var start = new Barrier(Threads);
        bool[] accepted = await Task.WhenAll(Enumerable.Range(0, Threads).Select(thread => Task.Run(() =>
        {
            start.SignalAndWait();
            bool all = true;
            for (int i = 0; i < PerThread; i++)
            {
                all &= client.Cast(WebSocketFrame.Text($"{thread}:{i}"));
            }

            return all;
        })));
        await allReceived.Task.WaitAsync(Recorder.Timeout);

        Assert.All(accepted, Assert.True);
        string[] wire = [.. received];
        Assert.Equal(Threads * PerThread, wire.Length);
        for (int thread = 0; thread < Threads; thread++)
        {
            string prefix = thread + ":";
            Assert.Equal(Enumerable.Range(0, PerThread).Select(i => prefix + i), wire.Where(w => w.StartsWith(prefix, StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task SendAsync_completes_once_the_frame_is_written()
    {
        var serverGot = new TaskCompletionSource<Message>();
        await using KestrelServer server = await KestrelServer.StartAsync(async socket =>
        {
            serverGot.TrySetResult(await socket.ReceiveMessageAsync());
            await socket.ReceiveMessageAsync();
        });
        var recorder = new Recorder();
        await using WebSocketClient client = WebSocketClient.Start(server.Url, new RecordingHandler(recorder));
        await recorder.WaitForAsync("connect");

        await client.SendAsync(WebSocketFrame.Binary(new byte[] { 1, 2, 3 })).WaitAsync(Recorder.Timeout);

        Message message = await serverGot.Task.WaitAsync(Recorder.Timeout);
        Assert.Equal(WebSocketMessageType.Binary, message.Type);
        Assert.Equal([1, 2, 3], message.Data);
    }

    [Fact]
    public async Task Row10_Cast_while_disconnected_returns_false_and_the_client_lives_on()
    {
        var recorder = new Recorder();
        var handler = new RecordingHandler(recorder) { Decide = _ => DisconnectResult.Ok };
        await using WebSocketClient client = WebSocketClient.Start("ws://127.0.0.1:1/ws", handler);
        await recorder.WaitForPrefixAsync("disconnect:TransportError");

        Assert.False(client.Cast(WebSocketFrame.Text("nobody hears this")));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(WebSocketFrame.Text("nor this")));

        Assert.Contains("Disconnected", error.Message);
        Assert.Equal(WebSocketClientState.Disconnected, client.State);
        Assert.True(client.Post("still alive"));
        await recorder.WaitForAsync("info:still alive");
    }

    [Fact]
    public async Task Row10_a_frame_that_cannot_be_encoded_throws_at_the_call_and_the_connection_stays_up()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartEchoAsync();
        await using WebSocketClient client = WebSocketClient.Start(server.Url, new RecordingHandler(recorder));
        await recorder.WaitForAsync("connect");

        var tooLong = Assert.Throws<ArgumentException>(() => client.Cast(WebSocketFrame.Ping(new byte[126])));
        Assert.Contains("125", tooLong.Message);
        var reserved = Assert.Throws<ArgumentOutOfRangeException>(() => client.Cast(WebSocketFrame.Close(1005)));
        Assert.Contains("1005", reserved.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => WebSocketFrame.Close(2999));
        Assert.Throws<ArgumentOutOfRangeException>(() => WebSocketFrame.Close(1100));
        Assert.Throws<ArgumentException>(() => WebSocketFrame.Close(1000, new string('x', 124)));
        Assert.Throws<ArgumentException>(() => WebSocketFrame.Text(new byte[] { 0xC3, 0x28 }));
        Assert.Throws<ArgumentException>(() => client.Cast(default));

        Assert.True(client.Cast(WebSocketFrame.Text("still up")));
        await recorder.WaitForAsync("text:still up");
        Assert.Equal(WebSocketClientState.Connected, client.State);
    }
}
