using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>Logs, metrics, and frames that were accepted but never written.</summary>
[Collection(nameof(ObservabilityTests))]
[CollectionDefinition(nameof(ObservabilityTests), DisableParallelization = true)]
public class ObservabilityTests
{
    [Fact]
    public async Task The_lifecycle_is_logged_and_a_URL_query_string_never_is()
    {
        var logs = new CapturingLogger();
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartEchoAsync();
        var url = new Uri(server.Url + "?ticket=SECRET-TICKET-123");

        WebSocketClient client = WebSocketClient.Start(url, new RecordingHandler(recorder), new WebSocketClientOptions { LoggerFactory = logs.Factory() });
        await recorder.WaitForAsync("connect");
        await client.StopAsync();

        string[] messages = [.. logs.Entries.Select(e => e.Message)];
        Assert.Contains(messages, m => m.StartsWith($"Connected to {server.Url}", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Terminated: stopped", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains("SECRET", StringComparison.Ordinal) || m.Contains("ticket", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_handler_failure_is_logged_as_an_error_with_its_exception()
    {
        var logs = new CapturingLogger();
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartEchoAsync();
        var handler = new RecordingHandler(recorder) { TextReply = _ => throw new InvalidDataException("unreadable") };
        WebSocketClient client = WebSocketClient.Start(server.Url, handler, new WebSocketClientOptions { LoggerFactory = logs.Factory() });
        await recorder.WaitForAsync("connect");

        client.Cast(WebSocketFrame.Text("boom"));
        await client.Completion.WaitAsync(Recorder.Timeout);

        var entry = Assert.Single(logs.Entries, e => e.Level == LogLevel.Error);
        Assert.IsType<InvalidDataException>(entry.Exception);
        Assert.Contains("OnText handler threw", entry.Message);
    }

    [Fact]
    public async Task Frames_accepted_but_never_written_when_the_connection_drops_are_counted_and_logged()
    {
        var logs = new CapturingLogger();
        var recorder = new Recorder();
        var queued = new TaskCompletionSource();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            // Reads nothing, so the client's writes fill the TCP buffers, then resets with frames still queued.
            await connection.AcceptAsync();
            await queued.Task.WaitAsync(Recorder.Timeout);
            connection.Reset();
        });
        var options = new WebSocketClientOptions { LoggerFactory = logs.Factory(), SendQueueCapacity = 1000 };
        WebSocketClient client = WebSocketClient.Start(peer.Url, new RecordingHandler(recorder), options);
        await recorder.WaitForAsync("connect");

        // 400 x 64 KiB: far more than loopback's socket buffers hold.
        byte[] block = new byte[64 * 1024];
        int accepted = Enumerable.Range(0, 400).Count(_ => client.Cast(WebSocketFrame.Binary(block)));
        queued.SetResult();
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(400, accepted);
        Assert.True(client.DroppedFrames > 0, "nothing was counted as dropped");
        Assert.True(client.DroppedFrames <= accepted);
        var warning = Assert.Single(logs.Entries, e => e.Id.Id == 5);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.StartsWith($"{client.DroppedFrames} frame(s) accepted for sending were not written", warning.Message);
    }

    [Fact]
    public async Task Metrics_count_messages_bytes_connections_and_reconnects()
    {
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "SlackKit.WebSockets")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string kind = tags.Length > 0 ? "/" + tags[0].Value : string.Empty;
            totals.AddOrUpdate(instrument.Name + kind, value, (_, sum) => sum + value);
        });
        listener.Start();
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartEchoAsync();
        var handler = new RecordingHandler(recorder) { Decide = _ => DisconnectResult.ReconnectAfter(TimeSpan.Zero) };
        WebSocketClient client = WebSocketClient.Start(server.Url, handler);
        await recorder.WaitForAsync("connect");

        client.Cast(WebSocketFrame.Text("héllo"));           // 6 bytes of UTF-8
        client.Cast(WebSocketFrame.Binary(new byte[10]));
        await recorder.WaitForPrefixAsync("binary:");
        client.Cast(WebSocketFrame.Close(1000));              // a local close, then a reconnect
        await recorder.WaitForAsync(e => e.Count(x => x == "connect") == 2, "the reconnect");
        Assert.Equal(1, totals.GetValueOrDefault("slackkit.websockets.connections"));
        await client.StopAsync();

        Assert.Equal(1, totals.GetValueOrDefault("slackkit.websockets.messages.sent/text"));
        Assert.Equal(1, totals.GetValueOrDefault("slackkit.websockets.messages.sent/binary"));
        Assert.Equal(2, totals.GetValueOrDefault("slackkit.websockets.messages.sent/close"));
        Assert.Equal(1, totals.GetValueOrDefault("slackkit.websockets.messages.received/text"));
        Assert.Equal(1, totals.GetValueOrDefault("slackkit.websockets.messages.received/binary"));
        Assert.Equal(16, totals.GetValueOrDefault("slackkit.websockets.bytes.received"));
        Assert.Equal(16, totals.GetValueOrDefault("slackkit.websockets.bytes.sent"));
        Assert.Equal(1, totals.GetValueOrDefault("slackkit.websockets.reconnects"));
        Assert.Equal(0, totals.GetValueOrDefault("slackkit.websockets.connections"));
    }

    [Fact]
    public async Task Issue14_10_a_peers_close_reason_with_line_breaks_is_logged_escaped_on_one_line()
    {
        var logs = new CapturingLogger();
        var recorder = new Recorder();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync(RawConnection.Close(1000, "bye\r\nINFO forged entry"));
            await connection.ReadUntilCloseAsync();
        });

        WebSocketClient client = WebSocketClient.Start(peer.Url, new RecordingHandler(recorder), new WebSocketClientOptions { LoggerFactory = logs.Factory() });
        await client.Completion.WaitAsync(Recorder.Timeout);

        var entry = Assert.Single(logs.Entries, e => e.Id.Id == 3);
        Assert.Contains("bye\\r\\nINFO forged entry", entry.Message);
        Assert.DoesNotContain('\r', entry.Message);
        Assert.DoesNotContain('\n', entry.Message);
    }

    [Fact]
    public async Task Issue14_10_a_certificate_validation_callback_set_in_ConfigureHandler_is_warned_about_once_per_client()
    {
        var logs = new CapturingLogger();
        var recorder = new Recorder();
        await using RawPeer peer = RawPeer.Start(async connection =>
        {
            await connection.AcceptAsync(RawConnection.Close(1001, "again"));
            await connection.ReadUntilCloseAsync();
        });
        int disconnects = 0;
        var handler = new RecordingHandler(recorder) { Decide = _ => ++disconnects < 3 ? DisconnectResult.ReconnectAfter(TimeSpan.Zero) : DisconnectResult.Close("done") };
        var options = new WebSocketClientOptions
        {
            LoggerFactory = logs.Factory(),
            ConfigureHandler = h => h.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true,
        };

        WebSocketClient client = WebSocketClient.Start(peer.Url, handler, options);
        await client.Completion.WaitAsync(Recorder.Timeout);

        Assert.Equal(3, peer.Attempts);
        var warning = Assert.Single(logs.Entries, e => e.Id.Id == 12);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("ConfigureHandler", warning.Message);

        // Without a callback of its own, a client says nothing of certificates.
        var quiet = new CapturingLogger();
        disconnects = 2;
        WebSocketClient plain = WebSocketClient.Start(peer.Url, handler, new WebSocketClientOptions { LoggerFactory = quiet.Factory() });
        await plain.Completion.WaitAsync(Recorder.Timeout);
        Assert.DoesNotContain(quiet.Entries, e => e.Id.Id == 12);
    }
}
