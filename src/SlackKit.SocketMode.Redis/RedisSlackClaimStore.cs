using StackExchange.Redis;

namespace SlackKit.SocketMode.Redis;

/// <summary>
/// Envelope claims on Redis, shared by the instances of one Slack app: a claim is one <c>SET NX</c> (atomic: one
/// instance wins), its lease is a score in a sorted set measured on Redis's clock (so the instances' clocks need not
/// agree), and the envelope is kept beside it until the claim is completed, so that another instance can run an
/// envelope whose instance died. Every operation is one Lua script: atomic on the server.
/// </summary>
/// <remarks>
/// Keys (all in one hash slot, <c>{prefix}</c>, so that the scripts also run on a Redis Cluster):
/// <c>{prefix}:claim:&lt;event id&gt;</c> (<c>R|owner</c> running, <c>D|owner</c> done; expires after the claim expiry),
/// <c>{prefix}:leases</c> (sorted set: running claims by lease deadline, ms) and <c>{prefix}:envelopes</c> (hash: the
/// running claims' envelopes). Thread-safe.
/// </remarks>
public sealed class RedisSlackClaimStore : ISlackClaimStore, IAsyncDisposable
{
    /// <summary>The key prefix unless told otherwise.</summary>
    public const string DefaultKeyPrefix = "slackkit:socketmode";

    private const string Claim = """
        if redis.call('SET', KEYS[1], 'R|' .. ARGV[1], 'NX', 'PX', ARGV[3]) then
          local t = redis.call('TIME')
          redis.call('ZADD', KEYS[2], t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[2]), ARGV[4])
          redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
          return 1
        end
        return 0
        """;

    private const string Renew = """
        if redis.call('GET', KEYS[1]) == 'R|' .. ARGV[1] then
          local t = redis.call('TIME')
          redis.call('ZADD', KEYS[2], 'XX', t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[2]), ARGV[3])
          return 1
        end
        return 0
        """;

    private const string Complete = """
        local state = redis.call('GET', KEYS[1])
        if state == 'R|' .. ARGV[1] then
          redis.call('SET', KEYS[1], 'D|' .. ARGV[1], 'PX', ARGV[2])
          redis.call('ZREM', KEYS[2], ARGV[3])
          redis.call('HDEL', KEYS[3], ARGV[3])
          return 1
        end
        if state == 'D|' .. ARGV[1] then
          return 1
        end
        return 0
        """;

    private const string TakeExpired = """
        local t = redis.call('TIME')
        local now = t[1] * 1000 + math.floor(t[2] / 1000)
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
        local taken = {}
        for _, member in ipairs(due) do
          local claim = ARGV[4] .. member
          local state = redis.call('GET', claim)
          if state and string.sub(state, 1, 2) == 'R|' then
            redis.call('SET', claim, 'R|' .. ARGV[1], 'KEEPTTL')
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), member)
            table.insert(taken, member)
            table.insert(taken, redis.call('HGET', KEYS[2], member) or '')
          else
            redis.call('ZREM', KEYS[1], member)
            redis.call('HDEL', KEYS[2], member)
          end
        end
        return taken
        """;

    private readonly Func<Task<IConnectionMultiplexer>> _connect;
    private readonly bool _ownsConnection;
    private readonly string _claimPrefix;
    private readonly RedisKey _leases;
    private readonly RedisKey _envelopes;
    private readonly object _gate = new();
    private Task<IConnectionMultiplexer>? _connection;

    /// <summary>Claims on <paramref name="redis"/>, a connection the caller owns (and disposes).</summary>
    /// <param name="redis">The connection.</param>
    /// <param name="keyPrefix">What every key starts with (inside a hash tag); one prefix per Slack app.</param>
    public RedisSlackClaimStore(IConnectionMultiplexer redis, string keyPrefix = DefaultKeyPrefix)
        : this(() => Task.FromResult(redis ?? throw new ArgumentNullException(nameof(redis))), ownsConnection: false, keyPrefix)
    {
    }

    /// <summary>
    /// Claims on the Redis <paramref name="configuration"/> names (<c>host:port,password=...</c>, StackExchange.Redis's
    /// syntax); the store connects on first use, and reconnects by itself after an outage.
    /// </summary>
    public RedisSlackClaimStore(string configuration, string keyPrefix = DefaultKeyPrefix)
        : this(ConnectTo(ConfigurationOptions.Parse(configuration ?? throw new ArgumentNullException(nameof(configuration)))), ownsConnection: true, keyPrefix)
    {
    }

    internal RedisSlackClaimStore(Func<Task<IConnectionMultiplexer>> connect, bool ownsConnection, string keyPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyPrefix);
        _connect = connect;
        _ownsConnection = ownsConnection;
        string tag = "{" + keyPrefix + "}";
        _claimPrefix = tag + ":claim:";
        _leases = tag + ":leases";
        _envelopes = tag + ":envelopes";
    }

    /// <summary>
    /// Connects as the claims need: no failure at start when Redis is down (it is retried in the background), and a
    /// command fails at once while the connection is down instead of waiting in a backlog, so that the client's outage
    /// policy applies within its 1 s. Completions run on .NET's thread pool, not StackExchange.Redis's dedicated
    /// threads (unless the options name a socket manager): a claim and its completion, one after the other, cost
    /// 175-224 µs of CPU instead of 407-512 µs on 2 shared cores, and a one-process burst on Redis ran 1.4x faster.
    /// </summary>
    internal static Func<Task<IConnectionMultiplexer>> ConnectTo(ConfigurationOptions options)
    {
        ConfigurationOptions own = options.Clone();
        own.AbortOnConnectFail = false;
        own.BacklogPolicy = BacklogPolicy.FailFast;
        own.ConnectTimeout = Math.Min(own.ConnectTimeout, 1000);
        own.AsyncTimeout = Math.Min(own.AsyncTimeout, 1000);
        own.ReconnectRetryPolicy ??= new LinearRetry(500);
        own.SocketManager ??= SocketManager.ThreadPool;
        return async () => await ConnectionMultiplexer.ConnectAsync(own).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryClaimAsync(string key, string owner, ReadOnlyMemory<byte> envelope, TimeSpan lease, TimeSpan expiry, CancellationToken cancellationToken)
    {
        IDatabase db = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        RedisResult result = await db.ScriptEvaluateAsync(Claim, [_claimPrefix + key, _leases, _envelopes],
            [owner, Ms(lease), Ms(expiry), key, envelope]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (int)result == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> RenewAsync(string key, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        IDatabase db = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        RedisResult result = await db.ScriptEvaluateAsync(Renew, [_claimPrefix + key, _leases], [owner, Ms(lease), key])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return (int)result == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CompleteAsync(string key, string owner, TimeSpan expiry, CancellationToken cancellationToken)
    {
        IDatabase db = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        RedisResult result = await db.ScriptEvaluateAsync(Complete, [_claimPrefix + key, _leases, _envelopes], [owner, Ms(expiry), key])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return (int)result == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<SlackExpiredClaim>> TakeExpiredAsync(string owner, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        IDatabase db = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        RedisResult result = await db.ScriptEvaluateAsync(TakeExpired, [_leases, _envelopes], [owner, Ms(lease), max, _claimPrefix])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        RedisResult[] pairs = (RedisResult[])result!;
        if (pairs.Length == 0)
        {
            return [];
        }

        var taken = new SlackExpiredClaim[pairs.Length / 2];
        for (int i = 0; i < taken.Length; i++)
        {
            taken[i] = new SlackExpiredClaim((string)pairs[2 * i]!, (byte[])pairs[(2 * i) + 1]! ?? []);
        }

        return taken;
    }

    /// <summary>Closes the connection when the store made it.</summary>
    public async ValueTask DisposeAsync()
    {
        Task<IConnectionMultiplexer>? connection;
        lock (_gate)
        {
            connection = _connection;
        }

        if (_ownsConnection && connection is { IsCompletedSuccessfully: true })
        {
            await connection.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<IDatabase> DatabaseAsync(CancellationToken cancellationToken)
    {
        Task<IConnectionMultiplexer> connection;
        lock (_gate)
        {
            // A failed first connect is tried again by the next call.
            if (_connection is null || _connection.IsFaulted || _connection.IsCanceled)
            {
                _connection = _connect();
            }

            connection = _connection;
        }

        return (await connection.WaitAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();
    }

    private static long Ms(TimeSpan t) => (long)Math.Ceiling(t.TotalMilliseconds);
}
