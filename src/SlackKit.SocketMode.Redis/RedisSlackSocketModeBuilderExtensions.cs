using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SlackKit.SocketMode.Redis;

/// <summary>Claims a hosted Socket Mode app's envelopes on Redis.</summary>
public static class RedisSlackSocketModeBuilderExtensions
{
    /// <summary>
    /// Claims envelopes on Redis (<see cref="RedisSlackClaimStore"/>): atomic across the app's instances, with the
    /// events of an instance that died taken over after <see cref="SlackSocketModeOptions.ClaimLease"/>.
    /// </summary>
    /// <param name="builder">What <c>AddSlackSocketMode</c> returned.</param>
    /// <param name="configuration">
    /// The Redis to use (<c>host:port,password=...</c>); null: the one the host's <c>IDistributedCache</c> uses
    /// (<c>AddStackExchangeRedisCache</c>'s <see cref="RedisCacheOptions"/>).
    /// </param>
    /// <param name="keyPrefix">What every key starts with; one prefix per Slack app sharing the Redis.</param>
    public static SlackSocketModeBuilder UseRedis(this SlackSocketModeBuilder builder, string? configuration = null, string keyPrefix = RedisSlackClaimStore.DefaultKeyPrefix)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyPrefix);
        // A singleton of the host's, so that the host disposes it (and its connection) when it stops.
        builder.Services.AddSingleton(sp =>
        {
            if (configuration is not null)
            {
                return new RedisSlackClaimStore(RedisSlackClaimStore.ConnectTo(ConfigurationOptions.Parse(configuration)), ownsConnection: true, keyPrefix);
            }

            RedisCacheOptions cache = sp.GetService<IOptions<RedisCacheOptions>>()?.Value ?? new RedisCacheOptions();
            if (cache.ConnectionMultiplexerFactory is { } factory)
            {
                return new RedisSlackClaimStore(factory, ownsConnection: false, keyPrefix);
            }

            ConfigurationOptions? options = cache.ConfigurationOptions
                ?? (cache.Configuration is { } text ? ConfigurationOptions.Parse(text) : null);
            return options is null
                ? throw new InvalidOperationException(
                    "UseRedis() without a configuration uses the host's RedisCache, but none is configured: call services.AddStackExchangeRedisCache(o => o.Configuration = \"host:port\") or UseRedis(\"host:port\").")
                : new RedisSlackClaimStore(RedisSlackClaimStore.ConnectTo(options), ownsConnection: true, keyPrefix);
        });
        return builder.UseClaimStore(static sp => sp.GetRequiredService<RedisSlackClaimStore>());
    }
}
