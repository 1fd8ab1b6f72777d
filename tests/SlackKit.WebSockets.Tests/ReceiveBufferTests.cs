using SlackKit.WebSockets.Internal;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>
/// Contract row 3's pooled memory, seen through the process-wide count of receive buffers (<see cref="Live"/>): an idle
/// connection holds none, while a handler keeps its message and after. Runs alone, so the count is this test's.
/// </summary>
[Collection(nameof(ObservabilityTests))]
public partial class ReceiveBufferTests
{
    [Fact]
    public async Task Row3_an_idle_connection_holds_no_receive_buffer_after_messages_flowed()
    {
        var recorder = new Recorder();
        int elsewhere = Volatile.Read(ref Live.ReceiveBuffers); // what other clients of this process hold (the counter is global)
        await using KestrelServer server = await KestrelServer.StartEchoAsync();
        await using WebSocketClient client = WebSocketClient.Start(server.Url, new HoldingHandler(recorder, release: null),
            new WebSocketClientOptions { ReceiveQueueCapacity = 1 });
        await recorder.WaitForAsync("connect");

        for (int i = 0; i < 50; i++)
        {
            Assert.True(client.Cast(WebSocketFrame.Text($"message {i} " + new string('x', i * 300)))); // echoed back to back
        }

        await recorder.WaitForAsync(e => e.Length == 51, "50 echoes");
        await Recorder.WaitUntilAsync(() => Volatile.Read(ref Live.ReceiveBuffers) <= elsewhere, $"the idle connection to give its buffers back (held: {Volatile.Read(ref Live.ReceiveBuffers)}, by others: {elsewhere})");
        Assert.Equal(WebSocketClientState.Connected, client.State);
    }

    [Fact]
    public async Task Row3_a_handler_that_keeps_its_message_does_not_keep_the_connection_from_going_idle()
    {
        var recorder = new Recorder();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int elsewhere = Volatile.Read(ref Live.ReceiveBuffers); // what other clients of this process hold (the counter is global)
        await using KestrelServer server = await KestrelServer.StartEchoAsync();
        await using WebSocketClient client = WebSocketClient.Start(server.Url, new HoldingHandler(recorder, release));
        try
        {
            await recorder.WaitForAsync("connect");

            // The handler keeps its message (its own buffer) while the receive loop, with nothing more to read, waits
            // for data holding none.
            Assert.True(client.Cast(WebSocketFrame.Text("hold")));
            await recorder.WaitForAsync("holding");
            await Recorder.WaitUntilAsync(() => Volatile.Read(ref Live.ReceiveBuffers) <= elsewhere, "the receive loop to wait holding no buffer");
            release.SetResult();

            await recorder.WaitForAsync("text:hold");
            Assert.True(client.Cast(WebSocketFrame.Text("after")));
            await recorder.WaitForAsync("text:after");
            await Recorder.WaitUntilAsync(() => Volatile.Read(ref Live.ReceiveBuffers) <= elsewhere, "the buffers to go back once idle again");
        }
        finally
        {
            release.TrySetResult(); // never leave the mailbox stuck in the handler
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public async Task Row3_a_message_read_in_place_stays_intact_for_a_handler_that_keeps_it_while_the_loop_reads_on(int receiveQueueCapacity)
    {
        // The four messages come in one packet: the first runs inline, read in place in the loop's buffer, and its
        // handler awaits before it reads its payload; the loop must read on (the other three) without touching it.
        var recorder = new Recorder();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int elsewhere = Volatile.Read(ref Live.ReceiveBuffers);
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync(RawConnection.Text("slow " + new string('s', 100)), RawConnection.Text("a"), RawConnection.Text("b"), RawConnection.Text("c"));
            await connection.AnswerLikeAHealthyServerAsync();
        });
        await using WebSocketClient client = WebSocketClient.Start(peer.Url, new KeepsPayload(recorder, release.Task),
            new WebSocketClientOptions { ReceiveQueueCapacity = receiveQueueCapacity });

        await recorder.WaitForAsync("awaiting");
        await Recorder.WaitUntilAsync(() => client.State == WebSocketClientState.Connected, "connected");
        release.SetResult();
        string[] events = await recorder.WaitForAsync(e => e.Length == 5, "four messages");

        Assert.Equal(["awaiting", "slow " + new string('s', 100), "a", "b", "c"], events);
        await Recorder.WaitUntilAsync(() => Volatile.Read(ref Live.ReceiveBuffers) <= elsewhere, "every buffer back once idle");
        Assert.True(client.Post("still flowing")); // the place the slow handler held in the receive queue was given back
        await recorder.WaitForAsync("info:still flowing");
    }

    [WebSocketHandler]
    private sealed partial class KeepsPayload(Recorder recorder, Task release)
    {
        [OnText]
        async Task Text(ReadOnlyMemory<byte> utf8)
        {
            if (utf8.Span.StartsWith("slow"u8))
            {
                recorder.Add("awaiting");
                await release;
            }

            recorder.Add(System.Text.Encoding.UTF8.GetString(utf8.Span)); // read after the await: the buffer must be intact
        }

        [OnInfo] void Info(string note) => recorder.Add("info:" + note);

        [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Close("test over");
    }

    [WebSocketHandler]
    private sealed partial class HoldingHandler(Recorder recorder, TaskCompletionSource? release)
    {
        [OnConnect] void Connected() => recorder.Add("connect");

        [OnText]
        async Task Text(string text)
        {
            if (text == "hold" && release is not null)
            {
                recorder.Add("holding");
                await release.Task;
            }

            recorder.Add("text:" + (text.Length > 20 ? text[..text.IndexOf(' ', 8)] : text));
        }

        [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Close("test over");
    }
}
