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
