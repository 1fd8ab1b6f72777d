using System.Diagnostics;
using System.Text.RegularExpressions;
using SlackKit.FleetTesting;
using SlackKit.SocketMode.Testing;
using SlackKit.SocketMode.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace SlackKit.SocketMode.Tests;

/// <summary>
/// One Slack app on three machines: three processes of the SlackBot sample, two connections each, claiming on a real
/// redis-server, against the fake Slack, which sends 3,000 events, retries 10 % of them on another connection (half
/// before the first ack, half after it) and retries what is not acked within 3 s, as Slack does.
/// </summary>
public sealed partial class FleetTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Events = 3000;
    private const int Bots = 3;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private RedisServer _redis = null!;
    private FakeSlack _slack = null!;
    private readonly List<BotProcess> _bots = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _slack = await FakeSlack.StartAsync();
        _slack.RetryUnackedAfter = TimeSpan.FromSeconds(3);
        for (int i = 0; i < Bots; i++)
        {
            _bots.Add(BotProcess.StartAgainst(_slack, $"bot-{i}", _redis.Configuration, TimeSpan.FromMilliseconds(100), new Dictionary<string, string>
            {
                ["Slack__ClaimLease"] = Lease.ToString(),
                ["Logging__LogLevel__SlackKit.SocketMode"] = "Information", // takeovers, outages: what the test reads
                ["Logging__Console__FormatterName"] = "simple",
                ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            }));
        }

        await _slack.WaitForConnectionsAsync(2 * Bots).WaitAsync(Patience);
    }

    public async Task DisposeAsync()
    {
        foreach (BotProcess bot in _bots)
        {
            await bot.DisposeAsync();
        }

        await _slack.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Every_event_is_handled_once_across_three_processes_except_the_killed_ones_in_flight_which_are_handled_once_more_after_the_lease()
    {
        Run run = await RunAsync(atThird: () => _bots[1].Kill(), atTwoThirds: () => { }, pace: 50);

        int[] survivors = [0, 2];
        string[] takenOver = [.. survivors.SelectMany(i => Logged(_bots[i], TookOver))];
        output.WriteLine($"{Events} events, {run.Retried} retried by the test, {_slack.AllConnections.Count} connections opened; bot-1 killed after {run.KilledAt.TotalSeconds:0.0} s; " +
            $"all handled after {run.Elapsed.TotalSeconds:0.0} s; {takenOver.Length} claims of bot-1 taken over after the lease (queued or running when it died), " +
            $"{takenOver.Count(e => run.Posts.GetValueOrDefault(e) == 2)} of them answered twice (bot-1 had answered, not yet completed)");

        Assert.Equal(takenOver.Length, takenOver.Distinct().Count()); // each taken over by one survivor, once
        Assert.NotEmpty(takenOver); // the kill came mid-run: handlers were in flight
        foreach ((string eventId, int posts) in run.Posts)
        {
            if (takenOver.Contains(eventId))
            {
                Assert.InRange(posts, 1, 2); // twice only when bot-1 had posted before it died
            }
            else
            {
                Assert.True(posts == 1, $"{eventId} handled {posts} times");
            }
        }
    }

    [Fact]
    public async Task With_Redis_stopped_for_seconds_mid_run_nothing_is_lost_and_every_duplicate_is_counted_by_a_bot()
    {
        var paused = Stopwatch.StartNew();
        Run run = await RunAsync(atThird: () => { _redis.Pause(); paused.Restart(); }, atTwoThirds: () => { _redis.Resume(); paused.Stop(); }, pace: 20);

        string[] counted = [.. _bots.SelectMany(b => Logged(b, OutageDuplicate))];
        string[] takenOver = [.. _bots.SelectMany(b => Logged(b, TookOver))];
        string[] back = [.. _bots.SelectMany(b => b.Lines.Where(l => l.Contains("The claim store is back", StringComparison.Ordinal)))];
        int duplicates = run.Posts.Sum(p => p.Value - 1);
        output.WriteLine($"Redis stopped for {paused.Elapsed.TotalSeconds:0.0} s; {duplicates} duplicate handlings seen by the fake Slack; bots counted {counted.Length} " +
            $"(handled during the outage by another instance too) and took over {takenOver.Length} (leases that ran out in the outage). {string.Join(" | ", back)}");

        Assert.All(run.Posts, p => Assert.True(p.Value >= 1, $"{p.Key} lost")); // nothing lost
        Assert.Equal(Bots, back.Length); // every bot saw the store come back by itself
        foreach ((string eventId, int posts) in run.Posts.Where(p => p.Value > 1))
        {
            int accounted = counted.Count(k => k == eventId) + takenOver.Count(k => k == eventId);
            Assert.True(posts - 1 <= accounted, $"{eventId} handled {posts} times, counted {accounted} times");
        }
    }

    private sealed record Run(Dictionary<string, int> Posts, int Retried, TimeSpan KilledAt, TimeSpan Elapsed);

    /// <summary>
    /// Sends the events at <paramref name="pace"/> per 50 ms, with the retries; calls the two actions a third and two
    /// thirds of the way; waits until every event was answered and no claim runs in Redis; then stops the bots still
    /// running (SIGTERM) and counts each event's answers.
    /// </summary>
    private async Task<Run> RunAsync(Action atThird, Action atTwoThirds, int pace)
    {
        await using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var eventOf = new Dictionary<string, string>(); // user -> event id
        var retries = new List<Task>();
        var clock = Stopwatch.StartNew();
        TimeSpan killedAt = default;
        for (int n = 0; n < Events; n++)
        {
            if (n == Events / 3)
            {
                atThird();
                killedAt = clock.Elapsed;
            }
            else if (n == 2 * Events / 3)
            {
                atTwoThirds();
            }

            string user = $"U{n:D5}";
            FakeEnvelope mention = await _slack.SendAppMentionAsync($"<@U0BOT> {n}", channel: $"C{n % 40:D2}", user: user);
            eventOf[user] = mention.EventId!;
            if (n % 10 == 0)
            {
                retries.Add(n % 20 == 0 ? RetryAsync(mention) : RetryAfterAckAsync(mention));
            }

            if (n % pace == pace - 1)
            {
                await Task.Delay(50); // the rate Slack sends at: the workload's shape, not a wait for anything
            }
        }

        try
        {
            await Task.WhenAll(retries).WaitAsync(Patience);
            await _slack.WaitUntilAsync(() => _slack.CallCount >= Events && Answered(_slack, eventOf).Count == Events).WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            Dictionary<string, int> answered = Answered(_slack, eventOf);
            string[] missing = [.. eventOf.Values.Where(e => !answered.ContainsKey(e)).Take(20)];
            throw new TimeoutException($"{answered.Count} of {Events} events answered after {clock.Elapsed.TotalSeconds:0} s ({retries.Count(r => r.IsCompleted)} of {retries.Count} retries sent); " +
                $"missing: {string.Join(", ", missing)}{Environment.NewLine}{string.Join(Environment.NewLine, _bots)}");
        }

        await NoClaimRunsAsync(redis);
        TimeSpan elapsed = clock.Elapsed;
        foreach (BotProcess bot in _bots.Where(b => !b.HasExited))
        {
            int exit = await bot.StopAsync();
            Assert.True(exit == 0, $"exit {exit}: {bot}");
        }

        return new Run(Answered(_slack, eventOf), retries.Count, killedAt, elapsed);
    }

    /// <summary>Sent again on another connection before the first ack has come.</summary>
    private async Task RetryAsync(FakeEnvelope envelope) => await _slack.RetryAsync(envelope, Another(envelope));

    /// <summary>Sent again on another connection after the first ack, as Slack does when an ack is late.</summary>
    private async Task RetryAfterAckAsync(FakeEnvelope envelope)
    {
        await envelope.Acked;
        await _slack.RetryAsync(envelope, Another(envelope));
    }

    private FakeSlackConnection? Another(FakeEnvelope envelope)
    {
        FakeSlackConnection[] others = [.. _slack.Connections.Where(c => c.Id != envelope.ConnectionId)];
        return others.Length == 0 ? null : others[Random.Shared.Next(others.Length)];
    }

    /// <summary>Event id -> how many answers it got (answers are "hi &lt;@user&gt;", one user per event).</summary>
    private static Dictionary<string, int> Answered(FakeSlack slack, Dictionary<string, string> eventOf)
    {
        var posts = new Dictionary<string, int>();
        foreach (FakeApiCall call in slack.Calls)
        {
            Match user = AnswerPattern().Match(call.Text ?? "");
            if (user.Success && eventOf.TryGetValue(user.Groups[1].Value, out string? eventId))
            {
                posts[eventId] = posts.GetValueOrDefault(eventId) + 1;
            }
        }

        return posts;
    }

    /// <summary>Waits until Redis holds no running claim (its lease set is gone), told by Redis's keyspace events.</summary>
    private static async Task NoClaimRunsAsync(ConnectionMultiplexer redis)
    {
        const string Leases = "{slackkit:socketmode}:leases";
        IDatabase db = redis.GetDatabase();
        var empty = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ISubscriber subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal("__keyspace@0__:" + Leases), (_, _) =>
        {
            if (db.SortedSetLength(Leases) == 0)
            {
                empty.TrySetResult();
            }
        });
        if (await db.SortedSetLengthAsync(Leases) == 0)
        {
            empty.TrySetResult();
        }

        await empty.Task.WaitAsync(Patience);
    }

    private static IEnumerable<string> Logged(BotProcess bot, Regex pattern) =>
        bot.Lines.Select(l => pattern.Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"^hi <@(U\d{5})>$")]
    private static partial Regex AnswerPattern();

    [GeneratedRegex(@"Took over claim (\S+) as")]
    private static partial Regex TookOver { get; }

    [GeneratedRegex(@"(\S+) was handled here while the claim store was out")]
    private static partial Regex OutageDuplicate { get; }
}
