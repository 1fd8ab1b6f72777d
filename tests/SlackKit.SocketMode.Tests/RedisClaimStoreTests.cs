using System.Text;
using SlackKit.SocketMode.Redis;
using SlackKit.FleetTesting;

namespace SlackKit.SocketMode.Tests;

/// <summary>The Redis claim store against a real redis-server on loopback.</summary>
public sealed class RedisClaimStoreTests : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Of_instances_claiming_the_same_keys_at_once_exactly_one_wins_each_key()
    {
        RedisSlackClaimStore[] instances = [new(_redis.Configuration), new(_redis.Configuration), new(_redis.Configuration)];
        const int Keys = 300;
        var claims = new List<Task<(int Instance, string Key, bool Won)>>();
        for (int k = 0; k < Keys; k++)
        {
            for (int i = 0; i < instances.Length; i++)
            {
                int instance = i;
                string key = $"Ev{k:D5}";
                claims.Add(Task.Run(async () => (instance, key, await instances[instance].TryClaimAsync(key, $"i{instance}", Encoding.UTF8.GetBytes(key), Long, Long, CancellationToken.None))));
            }
        }

        (int Instance, string Key, bool Won)[] results = await Task.WhenAll(claims);
        Assert.All(results.GroupBy(r => r.Key), key => Assert.Single(key, r => r.Won));
        Assert.Equal(Keys, results.Count(r => r.Won));
        foreach (RedisSlackClaimStore store in instances)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_completed_claim_stays_taken_and_only_its_owner_renews_or_completes_it()
    {
        await using var store = new RedisSlackClaimStore(_redis.Configuration, "t2");
        Assert.True(await store.TryClaimAsync("Ev1", "a", "{}"u8.ToArray(), Long, Long, CancellationToken.None));
        Assert.False(await store.RenewAsync("Ev1", "b", Long, CancellationToken.None));
        Assert.False(await store.CompleteAsync("Ev1", "b", Long, CancellationToken.None));
        Assert.True(await store.RenewAsync("Ev1", "a", Long, CancellationToken.None));
        Assert.True(await store.CompleteAsync("Ev1", "a", Long, CancellationToken.None));
        Assert.False(await store.TryClaimAsync("Ev1", "b", "{}"u8.ToArray(), Long, Long, CancellationToken.None)); // a retry, after: dropped
        Assert.False(await store.RenewAsync("Ev1", "a", Long, CancellationToken.None)); // done: nothing to renew
        Assert.True(await store.CompleteAsync("Ev1", "a", Long, CancellationToken.None)); // idempotent for its owner (a timed-out call may have landed)
        Assert.False(await store.CompleteAsync("Ev1", "b", Long, CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_whose_lease_ran_out_is_taken_over_once_with_its_envelope_and_its_first_owner_loses_it()
    {
        await using var store = new RedisSlackClaimStore(_redis.Configuration, "t3");
        byte[] envelope = Encoding.UTF8.GetBytes("""{"envelope_id":"e1","type":"events_api"}""");
        Assert.True(await store.TryClaimAsync("Ev1", "dead", envelope, Long, Long, CancellationToken.None));
        Assert.True(await store.TryClaimAsync("Ev2", "dead", envelope, TimeSpan.FromMilliseconds(1), Long, CancellationToken.None));
        Assert.True(await store.TryClaimAsync("Ev3", "dead", envelope, TimeSpan.FromMilliseconds(1), Long, CancellationToken.None));
        Assert.True(await store.CompleteAsync("Ev3", "dead", Long, CancellationToken.None)); // finished in time: never taken over

        // Ev1's lease is 5 minutes: not taken. Ev2's was 1 ms, on Redis's clock: taken by whichever sweep comes first.
        IReadOnlyList<SlackExpiredClaim> taken = [];
        while (taken.Count == 0)
        {
            taken = await store.TakeExpiredAsync("alive", Long, 10, CancellationToken.None);
        }

        SlackExpiredClaim claim = Assert.Single(taken);
        Assert.Equal("Ev2", claim.Key);
        Assert.Equal(envelope, claim.Envelope.ToArray());
        Assert.Empty(await store.TakeExpiredAsync("other", Long, 10, CancellationToken.None)); // its new lease holds
        Assert.False(await store.CompleteAsync("Ev2", "dead", Long, CancellationToken.None)); // the first owner lost it
        Assert.True(await store.CompleteAsync("Ev2", "alive", Long, CancellationToken.None));
        Assert.Empty(await store.TakeExpiredAsync("other", TimeSpan.FromMilliseconds(1), 10, CancellationToken.None));
    }

    [Fact]
    public async Task An_unreachable_Redis_fails_a_call_within_a_second_instead_of_holding_it()
    {
        await using var store = new RedisSlackClaimStore(_redis.Configuration, "t4");
        Assert.True(await store.TryClaimAsync("Ev1", "a", "{}"u8.ToArray(), Long, Long, CancellationToken.None));
        _redis.Pause();
        try
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await Assert.ThrowsAnyAsync<Exception>(async () => await store.TryClaimAsync("Ev2", "a", "{}"u8.ToArray(), Long, Long, patience.Token));
        }
        finally
        {
            _redis.Resume();
        }

        Assert.True(await store.TryClaimAsync("Ev3", "a", "{}"u8.ToArray(), Long, Long, CancellationToken.None)); // back by itself
    }
}
