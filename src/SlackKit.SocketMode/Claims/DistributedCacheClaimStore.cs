using System.Text;
using Microsoft.Extensions.Caching.Distributed;

namespace SlackKit.SocketMode.Claims;

/// <summary>Marks a store whose claims are best effort: not atomic, and no takeover of a dead instance's claims.</summary>
internal interface IBestEffortClaimStore;

/// <summary>
/// Claims on the host's <see cref="IDistributedCache"/>, whatever it is. Best effort: the interface has no atomic
/// "add if absent", so a claim reads the key, writes it, and reads it back; two instances that claim one key within
/// that round trip may both handle it. Nor can the cache list its keys, so a dead instance's events are not taken over.
/// <c>SlackKit.SocketMode.Redis</c> has both.
/// </summary>
internal sealed class DistributedCacheClaimStore(IDistributedCache cache, string prefix = DistributedCacheClaimStore.DefaultPrefix) : ISlackClaimStore, IBestEffortClaimStore
{
    public const string DefaultPrefix = "slackkit:socketmode:claim:";

    /// <summary>Whether the cache is Microsoft.Extensions.Caching.StackExchangeRedis's: SlackKit.SocketMode.Redis would do better.</summary>
    public bool OnRedis
    {
        get
        {
            // AddStackExchangeRedisCache registers a type derived from RedisCache (RedisCacheImpl in 8.0 and later).
            for (Type? type = cache.GetType(); type is not null; type = type.BaseType)
            {
                if (type.FullName == "Microsoft.Extensions.Caching.StackExchangeRedis.RedisCache")
                {
                    return true;
                }
            }

            return false;
        }
    }

    public async ValueTask<bool> TryClaimAsync(string key, string owner, ReadOnlyMemory<byte> envelope, TimeSpan lease, TimeSpan expiry, CancellationToken cancellationToken)
    {
        string id = prefix + key;
        if (await cache.GetAsync(id, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        byte[] mine = Encoding.UTF8.GetBytes("R|" + owner);
        await cache.SetAsync(id, mine, Expiring(expiry), cancellationToken).ConfigureAwait(false);
        byte[]? read = await cache.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return read is not null && read.AsSpan().SequenceEqual(mine); // another instance's write landed last: it is theirs
    }

    public ValueTask<bool> RenewAsync(string key, string owner, TimeSpan lease, CancellationToken cancellationToken) => new(true);

    public async ValueTask<bool> CompleteAsync(string key, string owner, TimeSpan expiry, CancellationToken cancellationToken)
    {
        await cache.SetAsync(prefix + key, Encoding.UTF8.GetBytes("D|" + owner), Expiring(expiry), cancellationToken).ConfigureAwait(false);
        return true;
    }

    public ValueTask<IReadOnlyList<SlackExpiredClaim>> TakeExpiredAsync(string owner, TimeSpan lease, int max, CancellationToken cancellationToken) =>
        new(Array.Empty<SlackExpiredClaim>());

    private static DistributedCacheEntryOptions Expiring(TimeSpan expiry) => new() { AbsoluteExpirationRelativeToNow = expiry };
}
