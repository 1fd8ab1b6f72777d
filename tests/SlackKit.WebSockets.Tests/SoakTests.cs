using System.Net.WebSockets;
using SlackKit.WebSockets.Internal;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>
/// Many messages and many reconnects, bounded (well under a minute), after which nothing is left running: no
/// connection, receiver, writer, keepalive loop, close timer, reconnect timer or mailbox. Runs alone, so the
/// process-wide counts are this test's.
/// </summary>
[Collection(nameof(ObservabilityTests))]
public partial class SoakTests
{
    [Fact]
    public async Task Many_messages_and_reconnects_leave_nothing_behind()
    {
        const int Rounds = 40;
        const int PerRound = 50;
        var recorder = new Recorder();
        // Echoes PerRound messages, then closes: every round is a new connection.
        await using KestrelServer server = await KestrelServer.StartAsync(async socket =>
        {
            for (int i = 0; i < PerRound; i++)
            {
                Message message = await socket.ReceiveMessageAsync();
                if (message.Type == WebSocketMessageType.Close)
                {
                    return;
                }

                await socket.SendAsync(message.Data, message.Type, true, CancellationToken.None);
            }

            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "round over", CancellationToken.None);
        });
        var handler = new SoakHandler(recorder);
        var options = new WebSocketClientOptions
        {
            KeepAlive = TimeSpan.FromMilliseconds(50),
            KeepAliveTimeout = TimeSpan.FromSeconds(5),
            ReconnectDelay = TimeSpan.FromMilliseconds(5),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(20),
        };
        WebSocketClient client = WebSocketClient.Start(server.Url, handler, options);

        for (int round = 1; round <= Rounds; round++)
        {
            await recorder.WaitForAsync(e => e.Count(x => x == "connect") == round, $"connection {round}");
            for (int i = 0; i < PerRound; i++)
            {
                await client.SendAsync(WebSocketFrame.Text($"{round}:{i}"));
            }

            await handler.WaitForEchoesAsync(round * PerRound);
        }

        await client.StopAsync();

        Assert.Equal(Rounds * PerRound, handler.Echoes);
        Assert.Equal(Rounds, server.Connections);
        Assert.Equal(TerminateKind.Stopped, (await client.Completion).Kind);
        using var settle = new CancellationTokenSource(Recorder.Timeout);
        while (!Live.AllZero())
        {
            // The pieces end on their own threads right after the client completes; wait for them, never longer than the timeout.
            await Task.Delay(10, settle.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            Assert.False(settle.IsCancellationRequested, "left behind: " + Live.Describe());
        }
    }

    [WebSocketHandler]
    private sealed partial class SoakHandler(Recorder recorder)
    {
        private readonly object _gate = new();
        private int _echoes;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Echoes => Volatile.Read(ref _echoes);

        public async Task WaitForEchoesAsync(int count)
        {
            using var timeout = new CancellationTokenSource(Recorder.Timeout);
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_echoes >= count)
                    {
                        return;
                    }

                    changed = _changed.Task;
                }

                await changed.WaitAsync(timeout.Token);
            }
        }

        [OnConnect] void Connected() => recorder.Add("connect");

        [OnText]
        void Text(string text)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _echoes++;
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.SetResult();
        }

        [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Reconnect;
    }
}
