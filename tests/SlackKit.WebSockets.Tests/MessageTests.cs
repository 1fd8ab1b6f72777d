using System.Net.WebSockets;
using System.Text;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>Inbound frames, replies and the mailbox: contract rows 3 and 11.</summary>
public partial class MessageTests
{
    [Fact]
    public async Task Row3_text_and_binary_round_trip_in_order_including_one_larger_than_the_read_buffer()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartEchoAsync();
        await using WebSocketClient client = WebSocketClient.Start(server.Url, new RecordingHandler(recorder));
        await recorder.WaitForAsync("connect");
        // 100,000 chars of multi-byte text: 25 times the 4 KiB first read buffer, and split across UTF-8 boundaries.
        string large = string.Concat(Enumerable.Repeat("héllo ✓ ", 12_500));

        Assert.True(client.Cast(WebSocketFrame.Text("one")));
        Assert.True(client.Cast(WebSocketFrame.Binary(new byte[] { 0x00, 0xFF, 0x7F })));
        Assert.True(client.Cast(WebSocketFrame.Text(large)));
        Assert.True(client.Cast(WebSocketFrame.Text(Encoding.UTF8.GetBytes("utf8 bytes"))));
        Assert.True(client.Cast(WebSocketFrame.Binary(ReadOnlyMemory<byte>.Empty)));
        Assert.True(client.Cast(WebSocketFrame.Text("")));

        string[] events = await recorder.WaitForAsync(e => e.Length >= 8, "six echoes");
        Assert.Equal(["init", "connect", "text:one", "binary:00FF7F", "text:" + large, "text:utf8 bytes", "binary:", "text:"], events);
    }

    [Fact]
    public async Task Row3_a_reply_from_a_handler_whose_ValueTask_is_backed_by_a_one_shot_source_is_read_once_and_sent()
    {
        // A handler may return a ValueTask on a pooled source (PoolingAsyncValueTaskMethodBuilder, say), whose result
        // may be read once. This one's source is complete when returned and fails a second read: the reply must go out.
        var replied = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using KestrelServer server = await KestrelServer.StartAsync(async socket =>
        {
            await socket.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            replied.TrySetResult(await socket.ReceiveMessageAsync());
            await socket.ReceiveMessageAsync();
        });
        var handler = new OneShotReplyHandler();
        await using WebSocketClient client = WebSocketClient.Start(server.Url, handler);

        Message reply = await replied.Task.WaitAsync(Recorder.Timeout);

        Assert.Equal(WebSocketMessageType.Text, reply.Type);
        Assert.Equal("pong", Encoding.UTF8.GetString(reply.Data));
        Assert.Equal(1, handler.Source.Reads);
    }

    private sealed class OneShotReplyHandler : IWebSocketHandler
    {
        public OneShotSource Source { get; } = new();

        public InitResult OnInit() => InitResult.Ok;

        public ValueTask<HandlerResult> OnConnectAsync(CancellationToken cancellationToken) => default;

        public ValueTask<HandlerResult> OnFrameAsync(WebSocketFrame frame, CancellationToken cancellationToken) =>
            frame.Kind == WebSocketFrameKind.Text ? new(Source, 0) : default;

        public ValueTask<HandlerResult> OnInfoAsync(object message, CancellationToken cancellationToken) => default;

        public ValueTask<DisconnectResult> OnDisconnectAsync(DisconnectReason reason, CancellationToken cancellationToken) => new(DisconnectResult.Close("test over"));

        public ValueTask OnTerminateAsync(TerminateReason reason) => default;
    }

    /// <summary>A completed source of Reply("pong") whose result may be read once, as a pooled one's.</summary>
    private sealed class OneShotSource : System.Threading.Tasks.Sources.IValueTaskSource<HandlerResult>
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public HandlerResult GetResult(short token) => Interlocked.Increment(ref _reads) == 1
            ? HandlerResult.Reply(WebSocketFrame.Text("pong"))
            : throw new InvalidOperationException("read twice: a pooled source may have been reused by then");

        public System.Threading.Tasks.Sources.ValueTaskSourceStatus GetStatus(short token) => System.Threading.Tasks.Sources.ValueTaskSourceStatus.Succeeded;

        public void OnCompleted(Action<object?> continuation, object? state, short token, System.Threading.Tasks.Sources.ValueTaskSourceOnCompletedFlags flags) =>
            continuation(state);
    }

    [Fact]
    public async Task Row3_a_fragmented_message_is_delivered_once_and_whole()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartAsync(async socket =>
        {
            await socket.SendAsync("frag-"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
            await socket.SendAsync("men-"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
            await socket.SendAsync("ted"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            byte[] big = new byte[20_000];
            big.AsSpan().Fill(0xAB);
            for (int offset = 0; offset < big.Length; offset += 5_000)
            {
                await socket.SendAsync(big.AsMemory(offset, 5_000), WebSocketMessageType.Binary, endOfMessage: offset + 5_000 == big.Length, CancellationToken.None);
            }

            await socket.ReceiveMessageAsync();
        });

        await using WebSocketClient client = WebSocketClient.Start(server.Url, new RecordingHandler(recorder));

        string[] events = await recorder.WaitForPrefixAsync("binary:");
        Assert.Equal(["init", "connect", "text:frag-men-ted", "binary:" + Convert.ToHexString(Enumerable.Repeat((byte)0xAB, 20_000).ToArray())], events);
    }

    [Fact]
    public async Task A_reply_from_a_handler_reaches_the_peer()
    {
        var recorder = new Recorder();
        var serverGot = new TaskCompletionSource<string>();
        await using KestrelServer server = await KestrelServer.StartAsync(async socket =>
        {
            await socket.SendAsync("what is your name?"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
            serverGot.TrySetResult((await socket.ReceiveMessageAsync()).Text);
            await socket.ReceiveMessageAsync();
        });
        var handler = new RecordingHandler(recorder) { TextReply = question => WebSocketFrame.Text("reply to: " + question) };

        await using WebSocketClient client = WebSocketClient.Start(server.Url, handler);

        Assert.Equal("reply to: what is your name?", await serverGot.Task.WaitAsync(Recorder.Timeout));
    }

    [Fact]
    public async Task Row3_frames_and_posted_messages_never_run_concurrently_and_keep_their_order()
    {
        const int Count = 200;
        await using KestrelServer server = await KestrelServer.StartAsync(async socket =>
        {
            for (int i = 0; i < Count; i++)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes($"frame {i}"), WebSocketMessageType.Text, true, CancellationToken.None);
            }

            await socket.ReceiveMessageAsync();
        });
        var handler = new ConcurrencyProbe();
        await using WebSocketClient client = WebSocketClient.Start(server.Url, handler);

        // Posts from four threads at once, while the frames arrive.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(thread => Task.Run(() =>
        {
            for (int i = 0; i < Count / 4; i++)
            {
                Assert.True(client.Post($"post {thread}:{i}"));
            }
        })));
        await handler.Done(2 * Count).WaitAsync(Recorder.Timeout);

        Assert.Equal(1, handler.MaxConcurrency);
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"frame {i}"), handler.Seen.Where(s => s.StartsWith("frame", StringComparison.Ordinal)));
        for (int thread = 0; thread < 4; thread++)
        {
            string prefix = $"post {thread}:";
            Assert.Equal(Enumerable.Range(0, Count / 4).Select(i => prefix + i), handler.Seen.Where(s => s.StartsWith(prefix, StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Row11_Post_reaches_OnInfo_in_every_state_and_returns_false_after_termination()
    {
        var recorder = new Recorder();
        var handler = new RecordingHandler(recorder) { Decide = _ => DisconnectResult.Ok };
        // Nothing listens on port 1: the connect fails and OnDisconnect keeps the client disconnected but alive.
        WebSocketClient client = WebSocketClient.Start("ws://127.0.0.1:1/ws", handler);
        Assert.True(client.Post("while connecting"));
        await recorder.WaitForPrefixAsync("disconnect:");
        Assert.Equal(WebSocketClientState.Disconnected, client.State);

        Assert.True(client.Post("while disconnected"));
        await recorder.WaitForAsync("info:while disconnected");
        await client.StopAsync();

        Assert.False(client.Post("after termination"));
        Assert.Contains("info:while connecting", recorder.Events);
        Assert.DoesNotContain("info:after termination", recorder.Events);
        Assert.Equal("terminate:Stopped", recorder.Events[^1]);
    }

    [Fact]
    public async Task A_posted_message_of_a_type_no_OnInfo_takes_is_ignored()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartEchoAsync();
        await using WebSocketClient client = WebSocketClient.Start(server.Url, new RecordingHandler(recorder));
        await recorder.WaitForAsync("connect");

#pragma warning disable SKWS009 // on purpose: what the client does with a message SKWS009 warns of
        Assert.True(client.Post(42));
#pragma warning restore SKWS009
        Assert.True(client.Post("after the number"));

        string[] events = await recorder.WaitForAsync("info:after the number");
        Assert.Equal(["init", "connect", "info:after the number"], events);
        Assert.Equal(WebSocketClientState.Connected, client.State);
    }

    [Fact]
    public async Task Issue14_9_Post_returns_false_once_PostQueueCapacity_messages_wait_and_takes_them_again_when_the_handler_catches_up()
    {
        var recorder = new Recorder();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Nothing listens on port 1: the client stays disconnected, its mailbox free for posts.
        WebSocketClient client = WebSocketClient.Start("ws://127.0.0.1:1/ws", new SlowInfo(recorder, gate.Task), new WebSocketClientOptions { PostQueueCapacity = 4 });
        await recorder.WaitForAsync("disconnect");

        Assert.True(client.Post(0));
        await recorder.WaitForAsync("info:0"); // taken: the handler is busy with it
        for (int n = 1; n <= 4; n++)
        {
            Assert.True(client.Post(n));
        }

        Assert.False(client.Post(5)); // four wait: the fifth is refused, not queued
        gate.SetResult();
        await recorder.WaitForAsync("info:4");
        Assert.True(client.Post(6));
        await recorder.WaitForAsync("info:6");
        await client.StopAsync();

        Assert.Equal(["info:0", "info:1", "info:2", "info:3", "info:4", "info:6"], recorder.Events.Where(e => e.StartsWith("info:", StringComparison.Ordinal)));
    }

    [WebSocketHandler]
    private sealed partial class SlowInfo(Recorder recorder, Task gate)
    {
        [OnInfo]
        async Task Info(int n)
        {
            recorder.Add("info:" + n);
            await gate;
        }

        [OnDisconnect]
        DisconnectResult Lost()
        {
            recorder.Add("disconnect");
            return DisconnectResult.Ok;
        }
    }

    /// <summary>Records every callback and how many ran at once; each yields mid-way to give an overlap its chance.</summary>
    [WebSocketHandler]
    private sealed partial class ConcurrencyProbe
    {
        private readonly List<string> _seen = [];
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _running;
        private int _max;
        private int _expected = int.MaxValue;

        public int MaxConcurrency => Volatile.Read(ref _max);

        public string[] Seen
        {
            get
            {
                lock (_seen)
                {
                    return [.. _seen];
                }
            }
        }

        public Task Done(int expected)
        {
            Volatile.Write(ref _expected, expected);
            lock (_seen)
            {
                if (_seen.Count >= expected)
                {
                    _done.TrySetResult();
                }
            }

            return _done.Task;
        }

        [OnText]
        private Task OnText(string text) => RecordAsync(text);

        [OnInfo]
        private Task OnInfo(string note) => RecordAsync(note);

        [OnDisconnect]
        private DisconnectResult OnDisconnect() => DisconnectResult.Close("test over");

        private async Task RecordAsync(string item)
        {
            int running = Interlocked.Increment(ref _running);
            InterlockedMax(ref _max, running);
            await Task.Yield();
            lock (_seen)
            {
                _seen.Add(item);
                if (_seen.Count >= Volatile.Read(ref _expected))
                {
                    _done.TrySetResult();
                }
            }

            Interlocked.Decrement(ref _running);
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }
}
