using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SlackKit.SocketMode.Claims;
using SlackKit.SocketMode.Testing;
using SlackKit.SocketMode.Tests.Infrastructure;

namespace SlackKit.SocketMode.Tests;

/// <summary>Claims shared by an app's instances: the coordinator's paths on a scripted store, and two clients sharing one.</summary>
public sealed class ClaimTests
{
    private static SlackSocketModeOptions Options(FakeTimeProvider clock, SlackClaimStoreOutage policy = SlackClaimStoreOutage.Handle, string instance = "me") => new()
    {
        AppToken = FakeSlack.AppToken,
        TimeProvider = clock,
        ClaimLease = TimeSpan.FromSeconds(3),
        WhenClaimStoreUnavailable = policy,
        InstanceId = instance,
    };

    [Fact]
    public async Task With_the_store_out_envelopes_are_handled_and_when_it_is_back_their_keys_are_written_and_those_another_instance_took_counted()
    {
        var clock = new FakeTimeProvider();
        var store = new MemoryClaimStore();
        var logs = new CapturingLogger();
        await using var claims = new ClaimCoordinator(store, Options(clock), logs.Factory().CreateLogger("t"), _ => { });

        Assert.Equal(ClaimOutcome.Ours, await claims.ClaimAsync("Ev0", [1]));
        store.Down = true;
        Assert.Equal(ClaimOutcome.OursWithoutStore, await claims.ClaimAsync("Ev1", [1]));
        Assert.True(claims.InOutage);
        Assert.Equal(ClaimOutcome.OursWithoutStore, await claims.ClaimAsync("Ev2", [1])); // the store is not asked again in the outage
        Assert.Equal(ClaimOutcome.Taken, await claims.ClaimAsync("Ev1", [1])); // a retry here is still dropped, by the process
        await claims.CompleteAsync("Ev0"); // finished in the outage: completed when it is back
        Assert.Single(logs.Entries, e => e.Id.Id == 15);

        await claims.OnTickAsync(); // still out
        Assert.True(claims.InOutage);

        store.Down = false;
        Assert.True(await store.TryClaimAsync("Ev2", "other", default, TimeSpan.FromSeconds(3), TimeSpan.FromHours(1), default)); // another instance had Ev2 too
        await claims.OnTickAsync();

        Assert.False(claims.InOutage);
        Assert.Equal("D|me", store.State("Ev0"));
        Assert.Equal("D|me", store.State("Ev1")); // recorded as done here: retries elsewhere are dropped
        Assert.Equal("R|other", store.State("Ev2"));
        Assert.Contains(logs.Entries, e => e.Id.Id == 19 && e.Message.Contains("Ev2"));
        Assert.Contains(logs.Entries, e => e.Id.Id == 16 && e.Message.Contains("2 envelope(s) were handled without it, 1 of them by another instance too"));
    }

    [Fact]
    public async Task With_the_store_out_and_the_policy_refuse_an_envelope_is_refused_and_its_retry_claimed_when_the_store_is_back()
    {
        var clock = new FakeTimeProvider();
        var store = new MemoryClaimStore { Down = true };
        await using var claims = new ClaimCoordinator(store, Options(clock, SlackClaimStoreOutage.Refuse), NullLogger.Instance, _ => { });

        Assert.Equal(ClaimOutcome.Refused, await claims.ClaimAsync("Ev1", [1]));
        Assert.Equal(ClaimOutcome.Refused, await claims.ClaimAsync("Ev1", [1])); // Slack's retry, still out
        store.Down = false;
        await claims.OnTickAsync();
        Assert.Equal(ClaimOutcome.Ours, await claims.ClaimAsync("Ev1", [1]));
        Assert.Equal("R|me", store.State("Ev1"));
    }

    [Fact]
    public async Task A_running_claim_is_renewed_every_third_of_its_lease_and_one_taken_over_meanwhile_is_logged_as_lost()
    {
        var clock = new FakeTimeProvider();
        var store = new MemoryClaimStore();
        var logs = new CapturingLogger();
        await using var claims = new ClaimCoordinator(store, Options(clock), logs.Factory().CreateLogger("t"), _ => { });
        Assert.Equal(TimeSpan.FromSeconds(1), claims.Tick);
        await claims.ClaimAsync("Ev1", [1]);
        await claims.ClaimAsync("Ev2", [1]);

        await claims.OnTickAsync();
        Assert.DoesNotContain(store.Calls, c => c.StartsWith("renew", StringComparison.Ordinal)); // not due yet

        store.Expire("Ev2"); // as if this instance had been too slow to renew it
        Assert.Single(await store.TakeExpiredAsync("other", TimeSpan.FromSeconds(3), 10, default)); // Ev2 taken by another instance
        clock.Advance(TimeSpan.FromSeconds(1)); // the coordinator's timer ticks: both are due

        await Recorder.WaitUntilAsync(() => claims.Running == 1, "Ev2 to be given up"); // Ev2 is no longer ours
        Assert.Contains("renew Ev1 me", store.Calls);
        Assert.Contains("renew Ev2 me", store.Calls);
        Assert.Equal("R|me", store.State("Ev1"));
        Assert.Contains(logs.Entries, e => e.Id.Id == 18 && e.Message.Contains("Ev2"));
    }

    [Fact]
    public async Task An_expired_claim_of_another_instance_is_taken_over_with_its_envelope_and_completed_here()
    {
        var clock = new FakeTimeProvider();
        var store = new MemoryClaimStore();
        var taken = new List<SlackExpiredClaim>();
        await using var claims = new ClaimCoordinator(store, Options(clock), NullLogger.Instance, taken.Add);
        store.PutExpired("Ev9", "dead", [42]);

        await claims.OnTickAsync();

        SlackExpiredClaim claim = Assert.Single(taken);
        Assert.Equal("Ev9", claim.Key);
        Assert.Equal(new byte[] { 42 }, claim.Envelope.ToArray());
        Assert.Equal(ClaimOutcome.Taken, await claims.ClaimAsync("Ev9", [1])); // its retry here is dropped
        await claims.CompleteAsync("Ev9");
        Assert.Equal("D|me", store.State("Ev9"));
    }

    [Fact]
    public async Task Two_instances_sharing_a_store_handle_an_event_retried_on_each_once_and_ack_it_on_both()
    {
        var store = new MemoryClaimStore();
        var journal = new Recorder();
        var first = new CountingBot(journal);
        var second = new CountingBot(journal);
        await using FakeSlack slack = await FakeSlack.StartAsync();
        await using SlackSocketModeClient a = SlackSocketModeClient.Start(first, WithInstance(slack.CreateOptions(), "a"), claimStore: store);
        await slack.WaitForConnectionsAsync(1).WaitAsync(Recorder.Timeout);
        await using SlackSocketModeClient b = SlackSocketModeClient.Start(second, WithInstance(slack.CreateOptions(), "b"), claimStore: store);
        await slack.WaitForConnectionsAsync(2).WaitAsync(Recorder.Timeout);
        FakeSlackConnection onA = slack.Connections[0], onB = slack.Connections[1];

        FakeEnvelope original = await slack.SendAppMentionAsync("once", on: onA);
        FakeEnvelope retry = await slack.RetryAsync(original, on: onB);
        await slack.WaitUntilAsync(() => original.Acks.Count == 2).WaitAsync(Recorder.Timeout);
        await journal.WaitForAsync("mention:once");
        await slack.SendAppMentionAsync("marker", on: onB);
        await slack.SendAppMentionAsync("marker", on: onA);
        await journal.WaitForAsync(events => events.Count(e => e == "mention:marker") == 2, "both markers");

        Assert.Equal(1, first.Handled.GetValueOrDefault("once") + second.Handled.GetValueOrDefault("once"));
        Assert.Equal(new[] { onA.Id, onB.Id }.Order(), original.Acks.Select(x => x.ConnectionId).Order());
        Assert.Equal(1, retry.RetryAttempt);
        await Recorder.WaitUntilAsync(() => store.State(original.EventId!)?.StartsWith("D|", StringComparison.Ordinal) == true, "the event completed in the store");
    }

    [Fact]
    public async Task An_instance_runs_the_handler_of_an_event_whose_instance_died_after_claiming_it()
    {
        var store = new MemoryClaimStore();
        var journal = new Recorder();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeOptions options = WithInstance(slack.CreateOptions(), "alive");
        options.ClaimLease = TimeSpan.FromSeconds(1); // sweeps every 1/3 s
        string envelope = """
            {"envelope_id":"env-dead","type":"events_api","accepts_response_payload":false,"retry_attempt":0,
             "payload":{"type":"event_callback","event_id":"EvDead","event":{"type":"app_mention","user":"U1","text":"orphan","channel":"C1","ts":"1.1"}}}
            """;
        store.PutExpired("EvDead", "dead", Encoding.UTF8.GetBytes(envelope));

        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new CountingBot(journal), options, claimStore: store);

        await journal.WaitForAsync("mention:orphan");
        await WaitForStateAsync(store, "EvDead", "D|alive");
    }

    [Fact]
    public async Task A_handler_the_stop_cancels_leaves_its_claim_running_for_another_instance_to_take_over()
    {
        var store = new MemoryClaimStore();
        var journal = new Recorder();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeClient bot = SlackSocketModeClient.Start(new WaitingBot(journal), WithInstance(slack.CreateOptions(), "me"), claimStore: store);
        await slack.WaitForConnectionsAsync(1).WaitAsync(Recorder.Timeout);
        FakeEnvelope mention = await slack.SendAppMentionAsync("forever");
        await journal.WaitForAsync("started:forever");

        using var giveUp = new CancellationTokenSource();
        Task stopping = bot.StopAsync(giveUp.Token);
        giveUp.Cancel(); // the host's shutdown timeout
        await stopping.WaitAsync(Recorder.Timeout);

        await journal.WaitForAsync("cancelled:forever");
        Assert.Equal("R|me", store.State(mention.EventId!)); // not completed: its lease runs out, another instance runs it
        store.Expire(mention.EventId!);
        Assert.Single(await store.TakeExpiredAsync("other", TimeSpan.FromSeconds(30), 10, default));
    }

    [Fact]
    public async Task With_the_policy_refuse_a_commands_ack_deadline_counts_from_its_arrival_not_from_the_end_of_its_claim()
    {
        // Refuse: the ack waits for the claim. Here the claim takes 0.8 s (fake time); the handler then runs "long", so
        // the empty ack must go out 2.5 s after the envelope arrived (1.7 s after the claim), within Slack's 3 s.
        var journal = new Recorder();
        var clock = new FakeTimeProvider();
        var store = new GatedClaimStore();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeOptions options = WithInstance(slack.CreateOptions(), "me");
        options.TimeProvider = clock;
        options.WhenClaimStoreUnavailable = SlackClaimStoreOutage.Refuse;
        var app = new DeployBot(new SlackApi(options), journal);
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(app, options, claimStore: store);
        await bot.WaitUntilConnectedAsync().WaitAsync(Recorder.Timeout);

        FakeEnvelope command = await slack.SendSlashCommandAsync("/slow", "v3");
        try
        {
            await store.Claiming.WaitAsync(Recorder.Timeout);
            clock.Advance(TimeSpan.FromSeconds(0.8));
            store.Release();
            await journal.WaitForAsync($"slow-started:{command.EnvelopeId}");
            clock.Advance(TimeSpan.FromSeconds(1.6)); // 2.4 s since it arrived
            Assert.False(command.Acked.IsCompleted, "acked before AckTimeout");
            clock.Advance(TimeSpan.FromSeconds(0.1)); // 2.5 s since it arrived
            FakeAck ack = await command.Acked.WaitAsync(Recorder.Timeout);
            Assert.Null(ack.Payload);
        }
        finally
        {
            app.SlowGate.TrySetResult(); // the handler ends whatever happened (the stop waits for it on the fake clock)
        }

        await slack.WaitForResponseAsync(command).WaitAsync(Recorder.Timeout);
    }

    /// <summary>A <see cref="MemoryClaimStore"/> whose first claim waits until the test releases it.</summary>
    private sealed class GatedClaimStore : ISlackClaimStore
    {
        private readonly MemoryClaimStore _store = new();
        private readonly TaskCompletionSource _claiming = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Claiming => _claiming.Task;

        public void Release() => _released.TrySetResult();

        public async ValueTask<bool> TryClaimAsync(string key, string owner, ReadOnlyMemory<byte> envelope, TimeSpan lease, TimeSpan expiry, CancellationToken cancellationToken)
        {
            _claiming.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
            return await _store.TryClaimAsync(key, owner, envelope, lease, expiry, cancellationToken);
        }

        public ValueTask<bool> RenewAsync(string key, string owner, TimeSpan lease, CancellationToken cancellationToken) => _store.RenewAsync(key, owner, lease, cancellationToken);

        public ValueTask<bool> CompleteAsync(string key, string owner, TimeSpan expiry, CancellationToken cancellationToken) => _store.CompleteAsync(key, owner, expiry, cancellationToken);

        public ValueTask<IReadOnlyList<SlackExpiredClaim>> TakeExpiredAsync(string owner, TimeSpan lease, int max, CancellationToken cancellationToken) =>
            _store.TakeExpiredAsync(owner, lease, max, cancellationToken);
    }

    private static SlackSocketModeOptions WithInstance(SlackSocketModeOptions options, string instance)
    {
        options.InstanceId = instance;
        return options;
    }

    private static Task WaitForStateAsync(MemoryClaimStore store, string key, string state) =>
        Recorder.WaitUntilAsync(() => store.State(key) == state, $"{key} to be {state} in the store");
}

/// <summary>Its mention handler waits until it is cancelled.</summary>
[SlackApp]
public partial class WaitingBot(Recorder journal)
{
    [SlackEvent("app_mention")]
    async Task Mentioned(SlackKit.SocketMode.Payloads.AppMention e, CancellationToken ct)
    {
        journal.Add($"started:{e.Text}");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        finally
        {
            journal.Add($"cancelled:{e.Text}");
        }
    }
}
