using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
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
        (KestrelServer collecting, ConcurrentQueue<string> received, Task allReceived) = await StartCollectingServerAsync(Threads * PerThread);
        await using KestrelServer server = collecting;
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
        await allReceived.WaitAsync(Recorder.Timeout);

        Assert.All(accepted, Assert.True);
        AssertEachCallersOrder([.. received], Threads, PerThread);
    }

    [Fact]
    public async Task When_the_send_queue_is_full_Cast_returns_false_and_SendAsync_waits_for_room()
    {
        var recorder = new Recorder();
        var drain = new TaskCompletionSource();
        int received = 0;
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync();
            await drain.Task.WaitAsync(Recorder.Timeout); // reads nothing until told: the client's writer blocks
            while (await connection.ReadFrameAsync() is { Opcode: 0x2 })
            {
                Interlocked.Increment(ref received);
            }
        });
        await using WebSocketClient client = WebSocketClient.Start(peer.Url, new RecordingHandler(recorder), new WebSocketClientOptions { SendQueueCapacity = 4 });
        await recorder.WaitForAsync("connect");
        // 16 MiB frames: the first fills loopback's socket buffers and blocks the writer; the queue holds four in all.
        byte[] big = new byte[16 * 1024 * 1024];

        bool[] cast = [.. Enumerable.Range(0, 5).Select(_ => client.Cast(WebSocketFrame.Binary(big)))];
        Task waiting = client.SendAsync(WebSocketFrame.Binary(big)).AsTask();
        bool waitedBeforeDrain = !waiting.IsCompleted;
        drain.SetResult();
        await waiting.WaitAsync(Recorder.Timeout);

        Assert.Equal([true, true, true, true, false], cast);
        Assert.True(waitedBeforeDrain);
    }

    [Fact]
    public async Task Frames_from_many_threads_and_control_frames_are_never_interleaved_on_the_wire()
    {
        const int Threads = 3;
        const int PerThread = 20;
        const int Pings = 60;
        var recorder = new Recorder();
        var frames = new ConcurrentQueue<(byte Opcode, byte[] Payload)>();
        var done = new TaskCompletionSource();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync();
            while (await connection.ReadFrameAsync() is { } frame)
            {
                frames.Enqueue(frame);
                if (frames.Count == (Threads * PerThread) + Pings)
                {
                    done.TrySetResult();
                }
            }
        });
        await using WebSocketClient client = WebSocketClient.Start(peer.Url, new RecordingHandler(recorder));
        await recorder.WaitForAsync("connect");

        // Large frames (several TCP writes each) from three threads, while a fourth casts pings with payloads.
        Task[] senders = [.. Enumerable.Range(0, Threads).Select(thread => Task.Run(async () =>
        {
            byte[] payload = new byte[100_000];
            payload.AsSpan().Fill((byte)(thread + 1));
            for (int i = 0; i < PerThread; i++)
            {
                await client.SendAsync(WebSocketFrame.Binary(payload));
            }
        }))];
        Task pinger = Task.Run(() =>
        {
            for (int i = 0; i < Pings; i++)
            {
                while (!client.Cast(WebSocketFrame.Ping(System.Text.Encoding.ASCII.GetBytes($"p{i}"))))
                {
                    Thread.Yield();
                }
            }
        });
        await Task.WhenAll([.. senders, pinger]);
        await done.Task.WaitAsync(Recorder.Timeout);

        (byte Opcode, byte[] Payload)[] seen = [.. frames];
        Assert.Equal(Threads * PerThread, seen.Count(f => f.Opcode == 0x2));
        Assert.All(seen.Where(f => f.Opcode == 0x2), f => Assert.True(f.Payload.Length == 100_000 && f.Payload.All(b => b == f.Payload[0])));
        Assert.Equal(Enumerable.Range(0, Pings).Select(i => $"p{i}"), seen.Where(f => f.Opcode == 0x9).Select(f => System.Text.Encoding.ASCII.GetString(f.Payload)));
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

        await client.SendAsync(WebSocketFrame.Binary(new byte[] { 1, 2, 3 })).AsTask().WaitAsync(Recorder.Timeout);

        Message message = await serverGot.Task.WaitAsync(Recorder.Timeout);
        Assert.Equal(WebSocketMessageType.Binary, message.Type);
        Assert.Equal([1, 2, 3], message.Data);
    }

    [Fact]
    public async Task Awaited_sends_written_by_their_callers_and_casts_through_the_writer_keep_each_callers_order_and_lose_nothing()
    {
        // SendAsync writes on its caller's thread when nothing is queued or being written (the write token), and
        // queues otherwise; Cast always queues. Mixed from several threads, every frame arrives once, in each
        // caller's order.
        const int Threads = 4;
        const int PerThread = 400;
        (KestrelServer collecting, ConcurrentQueue<string> received, Task allReceived) = await StartCollectingServerAsync(Threads * PerThread);
        await using KestrelServer server = collecting;
        var recorder = new Recorder();
        await using WebSocketClient client = WebSocketClient.Start(server.Url, new RecordingHandler(recorder),
            new WebSocketClientOptions { SendQueueCapacity = 64 });
        await recorder.WaitForAsync("connect");

        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously); // not a Barrier: no pool thread blocks
        Task senders = Task.WhenAll(Enumerable.Range(0, Threads).Select(thread => Task.Run(async () =>
        {
            await go.Task;
            for (int i = 0; i < PerThread; i++)
            {
                var frame = WebSocketFrame.Text($"{thread}:{i}");
                if (i % 3 == 0 && client.Cast(frame))
                {
                    continue;
                }

                await client.SendAsync(frame); // also when the cast found the queue full
            }
        })));
        go.SetResult();
        await senders.WaitAsync(Recorder.Timeout);
        await allReceived.WaitAsync(Recorder.Timeout);

        AssertEachCallersOrder([.. received], Threads, PerThread);

        Assert.Equal(0, client.DroppedFrames);
    }

    /// <summary>A server that keeps the text of every message in arrival order, answers the close, and says when <paramref name="expected"/> have come.</summary>
    private static async Task<(KestrelServer Server, ConcurrentQueue<string> Received, Task AllReceived)> StartCollectingServerAsync(int expected)
    {
        var received = new ConcurrentQueue<string>();
        var allReceived = new TaskCompletionSource();
        KestrelServer server = await KestrelServer.StartAsync(async socket =>
        {
            while (true)
            {
                Message message = await socket.ReceiveMessageAsync();
                if (message.Type == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }

                received.Enqueue(message.Text);
                if (received.Count == expected)
                {
                    allReceived.TrySetResult();
                }
            }
        });
        return (server, received, allReceived.Task);
    }

    /// <summary>Every frame "thread:i" arrived once, and each thread's frames in the order it sent them.</summary>
    private static void AssertEachCallersOrder(string[] wire, int threads, int perThread)
    {
        Assert.Equal(threads * perThread, wire.Length);
        for (int thread = 0; thread < threads; thread++)
        {
            string prefix = thread + ":";
            Assert.Equal(Enumerable.Range(0, perThread).Select(i => prefix + i), wire.Where(w => w.StartsWith(prefix, StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Row10_Cast_while_disconnected_returns_false_and_the_client_lives_on()
    {
        var recorder = new Recorder();
        var handler = new RecordingHandler(recorder) { Decide = _ => DisconnectResult.Ok };
        await using WebSocketClient client = WebSocketClient.Start("ws://127.0.0.1:1/ws", handler);
        await recorder.WaitForPrefixAsync("disconnect:TransportError");

        Assert.False(client.Cast(WebSocketFrame.Text("nobody hears this")));
        Task waiting = client.SendAsync(WebSocketFrame.Text("nor this")).AsTask(); // waits for a connection (issue 11, point 1)

        Assert.Equal(WebSocketClientState.Disconnected, client.State);
        Assert.True(client.Post("still alive"));
        await recorder.WaitForAsync("info:still alive");
        Assert.False(waiting.IsCompleted); // [OnDisconnect] said Ok: no connection comes, so the send still waits
        await client.StopAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => waiting);
        Assert.Contains("terminated before it was connected", error.Message);
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

    [Fact]
    public async Task Issue14_9_a_text_frame_made_from_bytes_keeps_a_copy_so_changing_them_afterwards_sends_nothing_invalid()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartEchoAsync();
        await using WebSocketClient client = WebSocketClient.Start(server.Url, new RecordingHandler(recorder));
        await recorder.WaitForAsync("connect");

        byte[] utf8 = "héllo"u8.ToArray();
        WebSocketFrame frame = WebSocketFrame.Text(utf8);
        utf8.AsSpan().Fill(0xFF); // not UTF-8: sent as is, the peer would close with 1007
        Assert.True(client.Cast(frame));

        await recorder.WaitForAsync("text:héllo");
        Assert.Equal(WebSocketClientState.Connected, client.State);
    }

    [Theory]
    [InlineData(new[] { 'a', '\uD800', 'b' }, 1)]   // a high surrogate alone
    [InlineData(new[] { 'a', 'b', '\uDC00' }, 2)]   // a low surrogate alone
    [InlineData(new[] { '\uDC00', '\uD800' }, 0)]  // a pair the wrong way round
    public void Issue14_9_a_lone_surrogate_is_refused_at_the_call_rather_than_sent_as_U_FFFD(char[] chars, int index)
    {
        // Chars, not a string: a string attribute argument is stored as UTF-8, which has no lone surrogates.
        var text = new string(chars);
        var error = Assert.Throws<ArgumentException>(() => WebSocketFrame.Text(text));

        Assert.Contains($"at index {index}", error.Message);
        Assert.Equal("😀", Encoding.UTF8.GetString(WebSocketFrame.Text("😀").Payload.Span)); // a real pair is fine
    }
}
