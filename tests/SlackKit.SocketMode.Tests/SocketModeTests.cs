using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SlackKit.SocketMode.Testing;

namespace SlackKit.SocketMode.Tests;

/// <summary>The Socket Mode client against the fake Slack, over loopback: connect, ack, respond, dedupe, errors.</summary>
public sealed class SocketModeTests
{
    [Fact]
    public async Task An_app_mention_is_acked_before_its_handler_posts_the_answer()
    {
        var journal = new Recorder();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeOptions options = slack.CreateOptions();
        var api = new SlackApi(options);
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new DeployBot(api, journal), options, api);
        await bot.WaitUntilConnectedAsync().WaitAsync(Recorder.Timeout);
        Assert.Equal(FakeSlack.AppId, bot.AppId);
        Assert.Equal(1, bot.NumConnections);

        FakeEnvelope mention = await slack.SendAppMentionAsync("hello", channel: "C42", user: "U7");
        FakeAck ack = await mention.Acked.WaitAsync(Recorder.Timeout);
        FakeApiCall post = await slack.WaitForPostAsync().WaitAsync(Recorder.Timeout);

        Assert.Null(ack.Payload); // an event's ack carries nothing
        Assert.Equal("C42", post.Channel);
        Assert.Equal("hi <@U7>", post.Text);
        Assert.Single(mention.Acks);
    }

    [Fact]
    public async Task A_slash_command_answered_in_time_is_answered_in_its_ack()
    {
        var journal = new Recorder();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeOptions options = slack.CreateOptions();
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new DeployBot(new SlackApi(options), journal), options);
        await bot.WaitUntilConnectedAsync().WaitAsync(Recorder.Timeout);

        FakeEnvelope command = await slack.SendSlashCommandAsync("/deploy", "prod");
        FakeAck ack = await command.Acked.WaitAsync(Recorder.Timeout);

        Assert.Equal("""{"response_type":"ephemeral","text":"deploying prod"}""", ack.Payload);
        Assert.Equal("deploying prod", ack.Text);
        Assert.Empty(slack.Responses); // nothing went to response_url
    }

    [Fact]
    public async Task A_command_slower_than_AckTimeout_is_acked_empty_in_time_and_answered_through_its_response_url()
    {
        // Fake time: the ack deadline is Slack's 3 s less a margin (AckTimeout, 2.5 s); the handler takes "longer"
        // (it waits for the test), so the ack must go out empty when the clock reaches 2.5 s, and not before.
        var journal = new Recorder();
        var clock = new FakeTimeProvider();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeOptions options = slack.CreateOptions();
        options.TimeProvider = clock;
        var app = new DeployBot(new SlackApi(options), journal);
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(app, options);
        await bot.WaitUntilConnectedAsync().WaitAsync(Recorder.Timeout);

        FakeEnvelope command = await slack.SendSlashCommandAsync("/slow", "v2");
        await journal.WaitForAsync($"slow-started:{command.EnvelopeId}"); // its ack deadline is armed before it runs
        clock.Advance(TimeSpan.FromSeconds(2.4));
        Assert.False(command.Acked.IsCompleted, "acked before AckTimeout, though the handler might still have answered in the ack");
        clock.Advance(TimeSpan.FromSeconds(0.1));
        FakeAck ack = await command.Acked.WaitAsync(Recorder.Timeout);
        Assert.Null(ack.Payload);
        Assert.DoesNotContain("slow-finished", journal.Events); // acked while the handler still ran

        app.SlowGate.SetResult();
        FakeResponse response = await slack.WaitForResponseAsync(command).WaitAsync(Recorder.Timeout);
        Assert.Equal("done v2", response.Text);
        Assert.Single(command.Acks);
    }

    [Fact]
    public async Task The_same_event_retried_on_another_connection_reaches_its_handler_once_and_is_acked_on_both()
    {
        var journal = new Recorder();
        var app = new CountingBot(journal);
        await using FakeSlack slack = await FakeSlack.StartAsync();
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(app, slack.CreateOptions(connections: 2));
        await slack.WaitForConnectionsAsync(2).WaitAsync(Recorder.Timeout);
        FakeSlackConnection first = slack.Connections[0], second = slack.Connections[1];

        FakeEnvelope original = await slack.SendAppMentionAsync("once", on: first);
        FakeEnvelope retry = await slack.RetryAsync(original, on: second);
        FakeEnvelope retryAgain = await slack.RetryAsync(retry, on: first);
        await slack.WaitUntilAsync(() => original.Acks.Count == 3).WaitAsync(Recorder.Timeout);
        await slack.SendAppMentionAsync("after", on: second);
        await journal.WaitForAsync("mention:after");

        Assert.Equal(1, app.Handled["once"]);
        Assert.Equal(new[] { first.Id, first.Id, second.Id }.Order(), original.Acks.Select(a => a.ConnectionId).Order()); // each acked where it came
        Assert.Equal(2, retryAgain.RetryAttempt);
    }

    [Fact]
    public async Task Invalid_auth_ends_the_app_with_an_error_naming_the_code_and_no_retry()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        slack.Fail("apps.connections.open", "invalid_auth");
        var logs = new CapturingLogger();
        SlackSocketModeClient bot = SlackSocketModeClient.Start(new CountingBot(), slack.CreateOptions(), loggerFactory: logs.Factory());

        SlackSocketModeException failure = await Assert.ThrowsAsync<SlackSocketModeException>(() => bot.Completion.WaitAsync(Recorder.Timeout));
        Assert.Equal("invalid_auth", failure.Error);
        Assert.Equal("apps.connections.open", failure.Method);
        Assert.Contains("invalid_auth", failure.Message);
        Assert.DoesNotContain(FakeSlack.AppToken, failure.Message);
        Assert.Equal(1, slack.ConnectionsOpenCalls);
        await Assert.ThrowsAsync<SlackSocketModeException>(() => bot.WaitUntilConnectedAsync());
        Assert.DoesNotContain(logs.Lines, line => line.Contains(FakeSlack.AppToken, StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.Contains("invalid_auth", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rate_limited_connections_open_waits_Retry_After_then_connects()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        slack.RateLimit("apps.connections.open", 1, TimeSpan.FromSeconds(1));
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new CountingBot(), slack.CreateOptions());

        await bot.WaitUntilConnectedAsync().WaitAsync(Recorder.Timeout);

        Assert.Equal(2, slack.ConnectionsOpenCalls);
        Assert.Single(slack.AllConnections);
    }

    [Fact]
    public async Task Ratelimited_in_the_answer_of_connections_open_is_waited_out_not_taken_for_a_refusal()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        slack.Fail("apps.connections.open", "ratelimited"); // {"ok":false,"error":"ratelimited"}, no Retry-After: 1 s
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new CountingBot(), slack.CreateOptions());
        await slack.WaitUntilAsync(() => slack.ConnectionsOpenCalls >= 1).WaitAsync(Recorder.Timeout);

        slack.Fail("apps.connections.open", null);
        await bot.WaitUntilConnectedAsync().WaitAsync(Recorder.Timeout);

        Assert.True(slack.ConnectionsOpenCalls >= 2);
        Assert.False(bot.Completion.IsCompleted);
    }

    [Fact]
    public async Task A_disconnect_warning_is_crossed_with_an_event_on_each_socket_during_the_overlap_and_none_lost()
    {
        var journal = new Recorder();
        var app = new CountingBot(journal);
        await using FakeSlack slack = await FakeSlack.StartAsync();
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(app, slack.CreateOptions());
        await slack.WaitForConnectionsAsync(1).WaitAsync(Recorder.Timeout);
        FakeSlackConnection old = slack.Connections[0];

        await old.SendDisconnectAsync("warning");
        await slack.WaitForConnectionsAsync(2).WaitAsync(Recorder.Timeout); // the next one opens while the old one is up
        FakeSlackConnection next = slack.Connections.Single(c => c != old);
        FakeEnvelope onOld = await slack.SendAppMentionAsync("on-old", on: old);
        FakeEnvelope onNext = await slack.SendAppMentionAsync("on-next", on: next);
        Assert.Equal(old.Id, (await onOld.Acked.WaitAsync(Recorder.Timeout)).ConnectionId);
        Assert.Equal(next.Id, (await onNext.Acked.WaitAsync(Recorder.Timeout)).ConnectionId);

        await old.CloseAsync(); // Slack closes the one it warned about
        await old.Closed.WaitAsync(Recorder.Timeout);
        FakeEnvelope after = await slack.SendAppMentionAsync("after");
        await after.Acked.WaitAsync(Recorder.Timeout);
        await journal.WaitForAsync(e => e.Contains("mention:on-old") && e.Contains("mention:on-next") && e.Contains("mention:after"), "all three handled");

        Assert.Equal(2, slack.AllConnections.Count); // the old one was not reconnected: its replacement serves its slot
        Assert.Equal([next], slack.Connections);
    }

    [Fact]
    public async Task A_dead_connection_that_answers_no_ping_is_replaced()
    {
        var journal = new Recorder();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeOptions options = slack.CreateOptions();
        options.PingInterval = TimeSpan.FromMilliseconds(100);
        options.PingTimeout = TimeSpan.FromMilliseconds(300);
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new CountingBot(journal), options);
        await slack.WaitForConnectionsAsync(1).WaitAsync(Recorder.Timeout);
        FakeSlackConnection dead = slack.Connections[0];

        dead.Freeze();
        await slack.WaitUntilAsync(() => slack.Connections.Any(c => c != dead)).WaitAsync(Recorder.Timeout);
        FakeEnvelope mention = await slack.SendAppMentionAsync("alive", on: slack.Connections.Single(c => c != dead));
        await mention.Acked.WaitAsync(Recorder.Timeout);
        await journal.WaitForAsync("mention:alive");
    }

    [Fact]
    public async Task A_handler_that_throws_is_logged_with_its_envelope_and_the_app_goes_on()
    {
        var journal = new Recorder();
        var logs = new CapturingLogger();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeOptions options = slack.CreateOptions();
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new DeployBot(new SlackApi(options), journal), options, loggerFactory: logs.Factory());
        await bot.WaitUntilConnectedAsync().WaitAsync(Recorder.Timeout);

        FakeEnvelope boom = await slack.SendAppMentionAsync("boom");
        await boom.Acked.WaitAsync(Recorder.Timeout);
        await slack.SendAppMentionAsync("next");
        await journal.WaitForAsync("posted:next");

        Assert.Contains(logs.Lines, line => line.Contains(boom.EnvelopeId, StringComparison.Ordinal) && line.Contains("app_mention", StringComparison.Ordinal)
            && line.Contains("the handler failed on purpose", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_events_and_malformed_JSON_are_acked_or_ignored_logged_once_and_the_connection_lives()
    {
        var journal = new Recorder();
        var logs = new CapturingLogger();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new CountingBot(journal), slack.CreateOptions(), loggerFactory: logs.Factory());
        await slack.WaitForConnectionsAsync(1).WaitAsync(Recorder.Timeout);
        FakeSlackConnection connection = slack.Connections[0];

        FakeEnvelope join1 = await slack.SendEventAsync("""{"type":"team_join","user":{"id":"U1"}}""");
        FakeEnvelope join2 = await slack.SendEventAsync("""{"type":"team_join","user":{"id":"U2"}}""");
        await connection.SendRawAsync("{not json");
        await connection.SendRawAsync("""{"type":"brand_new_thing"}""");
        await connection.SendRawAsync("""{"type":"brand_new_thing"}""");
        await connection.SendRawAsync("""{"type":"events_api","payload":{}}"""); // no envelope_id: nothing to ack
        await join1.Acked.WaitAsync(Recorder.Timeout);
        await join2.Acked.WaitAsync(Recorder.Timeout);
        FakeEnvelope mention = await slack.SendAppMentionAsync("still here");
        await mention.Acked.WaitAsync(Recorder.Timeout);
        await journal.WaitForAsync("mention:still here");

        Assert.True(connection.IsOpen);
        Assert.Single(slack.AllConnections);
        Assert.Single(logs.Lines, line => line.Contains("team_join", StringComparison.Ordinal));
        Assert.Single(logs.Lines, line => line.Contains("brand_new_thing", StringComparison.Ordinal));
        Assert.Equal(2, logs.Lines.Count(line => line.Contains("malformed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_thousand_envelopes_through_four_connections_are_all_acked_and_handled_once_in_bounded_memory()
    {
        var journal = new Recorder();
        var app = new CountingBot(journal);
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeOptions options = slack.CreateOptions(connections: 4);
        options.DedupeCapacity = 100;
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(app, options);
        await slack.WaitForConnectionsAsync(4).WaitAsync(Recorder.Timeout);

        var sent = new List<FakeEnvelope>();
        for (int i = 0; i < 1000; i++)
        {
            sent.Add(await slack.SendAppMentionAsync($"m{i}", channel: $"C{i % 7}"));
        }

        await Task.WhenAll(sent.Select(e => e.Acked)).WaitAsync(Recorder.Timeout);
        await journal.WaitForAsync(e => e.Length >= 1000, "1,000 handled");

        Assert.All(sent, e => Assert.Single(e.Acks));
        Assert.All(app.Handled.Values, n => Assert.Equal(1, n));
        Assert.Equal(4, sent.Select(e => e.Acks[0].ConnectionId).Distinct().Count()); // spread over all four
    }

    [Fact]
    public async Task Stopping_is_not_held_by_a_socket_Slack_leaves_open_after_the_close_handshake()
    {
        // Slack does not always close TCP after the close handshake (Slack's Node SDK waited 5 s for it). The fake here
        // never does, until it is disposed: the stop can only complete by not waiting for it past CloseTimeout.
        await using FakeSlack slack = await FakeSlack.StartAsync();
        slack.LeaveSocketsOpenAfterClose = true;
        SlackSocketModeClient bot = SlackSocketModeClient.Start(new CountingBot(), slack.CreateOptions(connections: 2));
        await slack.WaitForConnectionsAsync(2).WaitAsync(Recorder.Timeout);

        await bot.StopAsync().WaitAsync(Recorder.Timeout);

        await bot.Completion.WaitAsync(Recorder.Timeout);
        await slack.WaitUntilAsync(() => slack.AllConnections.All(c => !c.IsOpen)).WaitAsync(Recorder.Timeout); // each had its close handshake
        Assert.Equal(0, bot.ConnectedCount);
    }

    [Fact]
    public async Task A_slow_handler_delays_neither_acks_nor_other_handlers_and_one_channel_keeps_its_order()
    {
        var journal = new Recorder();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = new OrderingBot(journal, gate.Task);
        await using FakeSlack slack = await FakeSlack.StartAsync();
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(app, slack.CreateOptions());
        await slack.WaitForConnectionsAsync(1).WaitAsync(Recorder.Timeout);

        FakeEnvelope slow = await slack.SendAppMentionAsync("slow", channel: "C1");
        await journal.WaitForAsync("start:slow");
        FakeEnvelope sameChannel = await slack.SendAppMentionAsync("after-slow", channel: "C1");
        FakeEnvelope otherChannel = await slack.SendAppMentionAsync("elsewhere", channel: "C2");

        await Task.WhenAll(slow.Acked, sameChannel.Acked, otherChannel.Acked).WaitAsync(Recorder.Timeout); // acked while "slow" runs
        await journal.WaitForAsync("done:elsewhere"); // another channel's handler ran meanwhile
        Assert.DoesNotContain("start:after-slow", journal.Events); // the same channel's waits for its turn

        gate.SetResult();
        await journal.WaitForAsync("done:after-slow");
        string[] c1 = [.. journal.Events.Where(e => e.EndsWith(":slow", StringComparison.Ordinal) || e.EndsWith(":after-slow", StringComparison.Ordinal))];
        Assert.Equal(["start:slow", "done:slow", "start:after-slow", "done:after-slow"], c1);
    }

    [Fact]
    public async Task An_interaction_is_routed_and_a_view_submission_answers_in_its_ack()
    {
        var journal = new Recorder();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeOptions options = slack.CreateOptions();
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new DeployBot(new SlackApi(options), journal), options);
        await bot.WaitUntilConnectedAsync().WaitAsync(Recorder.Timeout);

        FakeEnvelope click = await slack.SendInteractionAsync("""
            {"type":"block_actions","user":{"id":"U1","name":"ann"},"channel":{"id":"C1"},"trigger_id":"t1",
             "actions":[{"action_id":"approve","block_id":"b1","type":"button","value":"yes"}]}
            """);
        FakeAck clickAck = await click.Acked.WaitAsync(Recorder.Timeout);
        await journal.WaitForAsync("clicked:approve");
        Assert.Null(clickAck.Payload);

        FakeEnvelope submit = await slack.SendInteractionAsync("""{"type":"view_submission","user":{"id":"U1"},"view":{"callback_id":"deploy"}}""",
            acceptsResponsePayload: true, withResponseUrl: false);
        FakeAck submitAck = await submit.Acked.WaitAsync(Recorder.Timeout);
        Assert.Equal("""{"response_action":"clear"}""", submitAck.Payload);
    }

    [Fact]
    public async Task Acks_that_find_the_send_queue_full_wait_for_room_and_none_is_dropped()
    {
        // Slack stops reading; the bot's acks (each carrying a 16 KiB answer) fill TCP's buffers, then the send queue
        // (1,024 frames). Commands are sent until an ack is logged waiting for room (event 14), then Slack reads on:
        // every envelope must have its ack, with its answer.
        var answered = new Recorder();
        var logs = new CapturingLogger(answered);
        const string AckWaits = "log:14:The ack of envelope"; // Socket Mode's event 14 (the client's own 14 is "Reading paused")
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeOptions options = slack.CreateOptions();
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new BigAnswerBot(answered), options, loggerFactory: logs.Factory());
        await slack.WaitForConnectionsAsync(1).WaitAsync(Recorder.Timeout);
        FakeSlackConnection connection = slack.Connections[0];

        connection.PauseReading();
        var sent = new List<FakeEnvelope>();
        while (!answered.Events.Any(e => e.StartsWith(AckWaits, StringComparison.Ordinal)))
        {
            Assert.True(sent.Count < 20_000, "20,000 commands and no ack waited for room");
            sent.Add(await slack.SendSlashCommandAsync("/big", $"c{sent.Count}"));
            if (sent.Count % 100 == 0)
            {
                // Answers, not envelopes, are to fill the queue: let the handlers keep up (until one waits for room).
                await answered.WaitForAsync(e => e.Count(x => x.StartsWith('c')) >= sent.Count - 100 || e.Any(x => x.StartsWith(AckWaits, StringComparison.Ordinal)), "the handlers to keep up");
            }
        }

        connection.ResumeReading();
        FakeAck[] acks = await Task.WhenAll(sent.Select(e => e.Acked)).WaitAsync(Recorder.Timeout);

        Assert.All(sent, e => Assert.Single(e.Acks));
        Assert.All(acks, a => Assert.Equal(16 * 1024, a.Text?.Length ?? -1));
    }

    [Fact]
    public async Task Link_disabled_ends_the_app_with_an_error_that_says_Socket_Mode_was_switched_off()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeClient bot = SlackSocketModeClient.Start(new CountingBot(), slack.CreateOptions());
        await slack.WaitForConnectionsAsync(1).WaitAsync(Recorder.Timeout);

        await slack.Connections[0].SendDisconnectAsync("link_disabled");

        SlackSocketModeException failure = await Assert.ThrowsAsync<SlackSocketModeException>(() => bot.Completion.WaitAsync(Recorder.Timeout));
        Assert.Equal("link_disabled", failure.Error);
        Assert.Contains("Socket Mode was switched off", failure.Message);
        Assert.Equal(1, slack.ConnectionsOpenCalls); // no reconnect
    }

    [Fact]
    public async Task Refresh_requested_opens_the_next_connection_before_the_old_one_goes()
    {
        var journal = new Recorder();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new CountingBot(journal), slack.CreateOptions());
        await slack.WaitForConnectionsAsync(1).WaitAsync(Recorder.Timeout);
        FakeSlackConnection old = slack.Connections[0];

        await old.SendDisconnectAsync("refresh_requested");
        await slack.WaitForConnectionsAsync(2).WaitAsync(Recorder.Timeout);
        await old.CloseAsync();
        await old.Closed.WaitAsync(Recorder.Timeout);
        FakeEnvelope after = await slack.SendAppMentionAsync("refreshed");
        await after.Acked.WaitAsync(Recorder.Timeout);
        await journal.WaitForAsync("mention:refreshed");

        Assert.Equal(2, slack.AllConnections.Count);
    }

    [Fact]
    public async Task Too_many_websockets_backs_off_thirty_seconds_instead_of_storming()
    {
        var clock = new TestClock();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeOptions options = slack.CreateOptions();
        options.TimeProvider = clock;
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new CountingBot(), options);
        await slack.WaitForConnectionsAsync(1).WaitAsync(Recorder.Timeout);

        await slack.Connections[0].SendDisconnectAsync("too_many_websockets");
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(30), "the reconnect after too_many_websockets");
        Assert.Equal(1, slack.ConnectionsOpenCalls);
        clock.Advance(TimeSpan.FromSeconds(30));

        await slack.WaitUntilAsync(() => slack.Connections.Count == 1 && slack.AllConnections.Count == 2).WaitAsync(Recorder.Timeout);
        Assert.Equal(2, slack.ConnectionsOpenCalls);
    }

    [Fact]
    public async Task A_payload_of_the_bots_own_type_is_read_with_its_own_JsonContext()
    {
        var journal = new Recorder();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new WelcomeBot(journal), slack.CreateOptions());
        await slack.WaitForConnectionsAsync(1).WaitAsync(Recorder.Timeout);

        await slack.SendEventAsync("""{"type":"team_join","user":{"id":"U0NEW","name":"new"}}""");

        await journal.WaitForAsync("welcome:U0NEW");
    }

    [Fact]
    public async Task Stopping_waits_for_running_handlers_until_the_callers_token_gives_up_on_them()
    {
        var journal = new Recorder();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeClient bot = SlackSocketModeClient.Start(new EndlessBot(journal), slack.CreateOptions());
        await slack.WaitForConnectionsAsync(1).WaitAsync(Recorder.Timeout);
        await slack.SendAppMentionAsync("work");
        await journal.WaitForAsync("started");

        using var giveUp = new CancellationTokenSource();
        Task stop = bot.StopAsync(giveUp.Token);
        await slack.Connections[0].Closed.WaitAsync(Recorder.Timeout); // the connections are closed first
        Assert.False(stop.IsCompleted); // the acked handler is still waited for
        Assert.DoesNotContain("cancelled", journal.Events);

        giveUp.Cancel();
        await stop.WaitAsync(Recorder.Timeout);
        await journal.WaitForAsync("cancelled");
        await bot.Completion.WaitAsync(Recorder.Timeout);
    }

    [Fact]
    public async Task Dispose_gives_running_handlers_thirty_seconds_then_cancels_them()
    {
        var journal = new Recorder();
        var clock = new TestClock();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeOptions options = slack.CreateOptions();
        options.TimeProvider = clock;
        SlackSocketModeClient bot = SlackSocketModeClient.Start(new EndlessBot(journal), options);
        await slack.WaitForConnectionsAsync(1).WaitAsync(Recorder.Timeout);
        await slack.SendAppMentionAsync("work");
        await journal.WaitForAsync("started");

        Task disposing = bot.DisposeAsync().AsTask();
        await clock.WaitForTimerAsync(SlackSocketModeClient.DisposeGrace, "the handlers' grace");
        Assert.False(disposing.IsCompleted);
        clock.Advance(SlackSocketModeClient.DisposeGrace);

        await disposing.WaitAsync(Recorder.Timeout);
        await journal.WaitForAsync("cancelled");
    }

    [Fact]
    public async Task With_OrderPerChannel_off_a_slow_handler_does_not_hold_back_the_next_one_of_its_channel()
    {
        var journal = new Recorder();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeOptions options = slack.CreateOptions();
        options.OrderPerChannel = false;
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new OrderingBot(journal, gate.Task), options);
        await slack.WaitForConnectionsAsync(1).WaitAsync(Recorder.Timeout);

        await slack.SendAppMentionAsync("slow", channel: "C1");
        await journal.WaitForAsync("start:slow");
        await slack.SendAppMentionAsync("after-slow", channel: "C1");

        await journal.WaitForAsync("done:after-slow"); // ran while "slow" still waits
        Assert.DoesNotContain("done:slow", journal.Events);
        gate.SetResult();
        await journal.WaitForAsync("done:slow");
    }
}

