using System.Net.WebSockets;
using SlackKit.WebSockets.Internal;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>What comes after a disconnect: contract rows 1, 8 and 12.</summary>
public partial class ReconnectTests
{
    [Fact]
    public async Task Row1_Ok_without_OnDisconnect_terminates_after_the_first_disconnect()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartAsync(socket =>
            socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "once is enough", CancellationToken.None));

        WebSocketClient client = WebSocketClient.Start(server.Url, new InitOnly(recorder, InitResult.Ok));
        TerminateReason reason = await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(TerminateKind.Closed, reason.Kind);
        Assert.Contains("remote close", reason.Reason);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task Row1_Ok_does_not_retry_a_failed_first_connect()
    {
        await using RawPeer peer = RawPeer.Start(connection => connection.RefuseAsync(503, "Busy"));

        WebSocketClient client = WebSocketClient.Start(peer.Url, new InitOnly(new Recorder(), InitResult.Ok));
        TerminateReason reason = await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(TerminateKind.Closed, reason.Kind);
        Assert.Equal(1, peer.Attempts);
    }

    [Fact]
    public async Task Row1_Once_never_reconnects_whatever_OnDisconnect_returns()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartAsync(socket =>
            socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None));
        var handler = new RecordingHandler(recorder) { Init = InitResult.Once, Decide = _ => DisconnectResult.ReconnectAfter(TimeSpan.Zero) };

        WebSocketClient client = WebSocketClient.Start(server.Url, handler);
        TerminateReason reason = await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(TerminateKind.Closed, reason.Kind);
        Assert.Equal(1, server.Connections);
        Assert.Single(recorder.Events, e => e.StartsWith("disconnect:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Row1_Reconnect_without_OnDisconnect_retries_a_failed_first_connect_and_reconnects_after_every_disconnect()
    {
        var recorder = new Recorder();
        await using RawPeer peer = RawPeer.Start(async (connection, attempt) =>
        {
            if (attempt == 1)
            {
                await connection.RefuseAsync(503, "Busy"); // a failed first connect
                return;
            }

            await connection.AcceptAsync(RawConnection.Close(1001, "going away")); // then every connection is closed at once
            await connection.ReadUntilCloseAsync();
        });
        var options = new WebSocketClientOptions { ReconnectDelay = TimeSpan.FromMilliseconds(20), MaxReconnectDelay = TimeSpan.FromMilliseconds(40) };

        await using WebSocketClient client = WebSocketClient.Start(peer.Url, new InitOnly(recorder, InitResult.Reconnect), options);

        await recorder.WaitForAsync(e => e.Count(x => x == "connect") >= 3, "three connections");
        Assert.True(peer.Attempts >= 4);
    }

    [Fact]
    public async Task Row8_ReconnectAfter_waits_the_delay_given()
    {
        var recorder = new Recorder();
        var clock = new TestClock();
        await using KestrelServer server = await KestrelServer.StartAsync(socket =>
            socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "again", CancellationToken.None));
        int disconnects = 0;
        var handler = new RecordingHandler(recorder)
        {
            Decide = _ => ++disconnects < 2 ? DisconnectResult.ReconnectAfter(TimeSpan.FromMilliseconds(400)) : DisconnectResult.Close("done"),
        };

        WebSocketClient client = WebSocketClient.Start(server.Url, handler, new WebSocketClientOptions { TimeProvider = clock });
        await using IAsyncDisposable stopping = clock.Own(client);
        await recorder.WaitForPrefixAsync("disconnect:");

        // The client waits on a timer of exactly the delay given; 1 ms short of it, it still waits.
        await clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(400), "the reconnect delay");
        clock.Advance(TimeSpan.FromMilliseconds(399));
        await clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(1), "the rest of the reconnect delay");
        Assert.Equal(1, server.Connections);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await clock.RunUntilAsync(client.Completion, horizon: TimeSpan.FromSeconds(1));
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task Row12_an_exception_from_OnDisconnect_terminates_the_client_with_that_error()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartAsync(socket =>
            socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None));
        var handler = new RecordingHandler(recorder) { Decide = _ => throw new TimeZoneNotFoundException("no zone") };

        WebSocketClient client = WebSocketClient.Start(server.Url, handler);
        TerminateReason reason = await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(TerminateKind.Failed, reason.Kind);
        Assert.IsType<TimeZoneNotFoundException>(reason.Exception);
        Assert.Equal("terminate:Failed", recorder.Events[^1]);
    }

    [Fact]
    public void Row8_the_first_wait_is_random_then_each_grows_to_the_cap_with_jitter_and_a_reset_starts_again()
    {
        TimeSpan initial = TimeSpan.FromMilliseconds(100);
        TimeSpan cap = TimeSpan.FromMilliseconds(1000);
        var firsts = new List<TimeSpan>();
        for (int seed = 0; seed < 50; seed++)
        {
            var backoff = new Backoff(initial, cap, new Random(seed));
            TimeSpan first = backoff.Next();
            Assert.InRange(first, TimeSpan.Zero, initial);
            firsts.Add(first);

            // Attempt n waits in [ceiling / 2, ceiling], the ceiling doubling from the first delay up to the cap.
            for (int attempt = 1; attempt < 10; attempt++)
            {
                double ceiling = Math.Min(cap.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, attempt));
                Assert.InRange(backoff.Next().TotalMilliseconds, ceiling / 2, ceiling);
            }

            backoff.Reset();
            Assert.InRange(backoff.Next(), TimeSpan.Zero, initial);
        }

        // Random: the first waits of 50 clients are spread, not one value (no thundering herd).
        Assert.True(firsts.Distinct().Count() > 40);
    }

    [Fact]
    public async Task Row8_a_connection_that_held_resets_the_backoff()
    {
        var recorder = new Recorder();
        var release = new TaskCompletionSource();
        await using RawPeer peer = RawPeer.Start(async (connection, attempt) =>
        {
            await connection.AcceptAsync();
            if (attempt == 4)
            {
                await release.Task.WaitAsync(Recorder.Timeout); // this one holds until the test lets it go
            }

            connection.Reset();
        });
        // ReconnectDelay 20 ms: after three quick failures the ceiling is 160 ms; a reset brings it back under 20 ms.
        var clock = new TestClock();
        var options = new WebSocketClientOptions
        {
            ReconnectDelay = TimeSpan.FromMilliseconds(20),
            MaxReconnectDelay = TimeSpan.FromSeconds(10),
            ReconnectResetAfter = TimeSpan.FromMilliseconds(200),
            TimeProvider = clock,
        };
        var delays = new List<TimeSpan>();
        var handler = new RecordingHandler(recorder) { Decide = _ => DisconnectResult.Reconnect };
        using var logs = new CapturingLogger();
        options.LoggerFactory = logs.Factory();
        WebSocketClient client = WebSocketClient.Start(peer.Url, handler, options);
        await using IAsyncDisposable stopping = clock.Own(client);

        // Three connections that fail at once (no time passes while they are up), each followed by a backoff wait.
        await clock.RunUntilAsync(recorder.WaitForAsync(e => e.Count(x => x == "connect") == 4, "the fourth connection"), horizon: TimeSpan.FromSeconds(1));
        await recorder.WaitForAsync(e => e.Count(x => x == "connect") == 4, "the fourth connection");
        clock.Advance(TimeSpan.FromMilliseconds(300)); // the behaviour under test: the connection holds for longer than ReconnectResetAfter
        release.SetResult();
        Task fifth = recorder.WaitForAsync(e => e.Count(x => x == "connect") == 5, "the fifth connection");
        await clock.RunUntilAsync(fifth, horizon: TimeSpan.FromSeconds(1));
        await fifth;

        TimeSpan[] waits = [.. logs.Entries.Where(e => e.Id.Id == 4).Select(e => TimeSpan.FromMilliseconds(long.Parse(e.Message.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture)))];
        Assert.True(waits.Length >= 4);
        Assert.InRange(waits[2], TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(80));   // third wait: ceiling 80 ms
        Assert.InRange(waits[3], TimeSpan.Zero, TimeSpan.FromMilliseconds(20));                    // after the reset: random under 20 ms
    }

    /// <summary>No [OnDisconnect] on purpose: the InitResult alone decides (contract row 1).</summary>
#pragma warning disable SKWS001
    [WebSocketHandler]
    private sealed partial class InitOnly(Recorder recorder, InitResult init)
#pragma warning restore SKWS001
    {
        [OnInit] InitResult Init() => init;

        [OnConnect] void Connected() => recorder.Add("connect");
    }
}
