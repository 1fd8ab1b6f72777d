using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlackKit.SocketMode.Claims;
using SlackKit.SocketMode.CompilerServices;

namespace SlackKit.SocketMode;

/// <summary>Runs a <see cref="SlackAppAttribute"/> app as a hosted service.</summary>
public static class SlackSocketModeServiceCollectionExtensions
{
    /// <summary>The name of the <c>IHttpClientFactory</c> client the <see cref="SlackApi"/> uses, when the host has a factory.</summary>
    public const string HttpClientName = "SlackKit.SocketMode";

    /// <summary>
    /// Registers <typeparamref name="TApp"/> (made with its constructor's services: <see cref="SlackApi"/>, loggers...),
    /// a <see cref="SlackApi"/> and a hosted service that runs the app on Socket Mode with the host. Bind the options
    /// with <see cref="SlackSocketModeBuilder.Bind"/>: <c>Slack:AppToken</c>, <c>Slack:BotToken</c>, <c>Slack:Connections</c>...
    /// </summary>
    /// <remarks>
    /// Envelopes are claimed (deduplicated across the app's instances) in the store
    /// <see cref="SlackSocketModeBuilder.UseClaimStore"/> chose; by default an <see cref="ISlackClaimStore"/> the host
    /// registered, else the host's <see cref="IDistributedCache"/> (best effort: see docs/slack.md; not the in-memory
    /// one), else a set in the process (one instance).
    /// </remarks>
    public static SlackSocketModeBuilder AddSlackSocketMode<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TApp>(
        this IServiceCollection services, Action<SlackSocketModeOptions>? configure = null)
        where TApp : class, ISlackApp
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<SlackSocketModeOptions> options = services.AddOptions<SlackSocketModeOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o =>
        {
            o.Validate();
            return true;
        });
        services.TryAddSingleton(sp => new SlackApi(
            sp.GetRequiredService<IOptions<SlackSocketModeOptions>>().Value,
            sp.GetService<IHttpClientFactory>()?.CreateClient(HttpClientName)));
        services.TryAddSingleton<TApp>();
        services.TryAddSingleton(new ClaimStoreChoice(DefaultClaimStore));
        services.TryAddSingleton(sp => new SlackSocketModeService(
            sp.GetRequiredService<TApp>(),
            sp.GetRequiredService<IOptions<SlackSocketModeOptions>>(),
            sp.GetRequiredService<SlackApi>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ClaimStoreChoice>().Create(sp)));
        services.AddHostedService(sp => sp.GetRequiredService<SlackSocketModeService>());
        return new SlackSocketModeBuilder(services, options);
    }

    /// <summary>
    /// A registered store, else the host's distributed cache, unless that is the in-memory one
    /// (<c>AddDistributedMemoryCache</c>, which hosts add for sessions): it is this process's own memory, no better
    /// than the in-process set and slower.
    /// </summary>
    private static ISlackClaimStore? DefaultClaimStore(IServiceProvider services) =>
        services.GetService<ISlackClaimStore>()
        ?? (services.GetService<IDistributedCache>() is { } cache && cache.GetType().FullName != InMemoryCache ? new DistributedCacheClaimStore(cache) : null);

    private const string InMemoryCache = "Microsoft.Extensions.Caching.Distributed.MemoryDistributedCache";

    /// <summary>
    /// Reports the Socket Mode app's health: Healthy with every configured connection ready, Degraded with some,
    /// Unhealthy with none or when the app has ended.
    /// </summary>
    public static IHealthChecksBuilder AddSlackSocketMode(this IHealthChecksBuilder builder, string name = "slack-socket-mode")
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name, sp => new SlackSocketModeHealthCheck(sp.GetRequiredService<SlackSocketModeService>()), null, ["slack"]));
    }
}

/// <summary>Configures the Socket Mode app <c>AddSlackSocketMode</c> registered.</summary>
public sealed class SlackSocketModeBuilder
{
    private readonly OptionsBuilder<SlackSocketModeOptions> _options;

    internal SlackSocketModeBuilder(IServiceCollection services, OptionsBuilder<SlackSocketModeOptions> options)
    {
        Services = services;
        _options = options;
    }

    /// <summary>The host's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Binds the options from <paramref name="section"/> (say, <c>Configuration.GetSection("Slack")</c>): <c>AppToken</c>,
    /// <c>BotToken</c>, <c>Connections</c>, <c>MaxConcurrentHandlers</c>, <c>AckTimeout</c>, <c>ApiBaseUrl</c>...
    /// </summary>
    public SlackSocketModeBuilder Bind(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        _options.Configure(o => section.Bind(o));
        return this;
    }

    /// <summary>
    /// Claims envelopes in the store <paramref name="create"/> makes (null: in the process only), instead of the
    /// default: an <see cref="ISlackClaimStore"/> the host registered, else its <see cref="IDistributedCache"/>, else
    /// the process. <c>SlackKit.SocketMode.Redis</c>'s <c>UseRedis()</c> calls this.
    /// </summary>
    public SlackSocketModeBuilder UseClaimStore(Func<IServiceProvider, ISlackClaimStore?> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        Services.Replace(ServiceDescriptor.Singleton(new ClaimStoreChoice(create)));
        return this;
    }

    /// <summary>
    /// Claims envelopes on the host's <see cref="IDistributedCache"/>, which must be registered (best effort: a cache
    /// has no atomic claim; see docs/slack.md).
    /// </summary>
    public SlackSocketModeBuilder UseDistributedCache() => UseClaimStore(static sp => new DistributedCacheClaimStore(
        sp.GetService<IDistributedCache>() ?? throw new InvalidOperationException(
            "UseDistributedCache() needs an IDistributedCache in the host's services (AddStackExchangeRedisCache, AddDistributedMemoryCache...).")));

    /// <summary>Deduplicates in this process only, even when the host has an <see cref="IDistributedCache"/> (one instance).</summary>
    public SlackSocketModeBuilder UseInProcessClaims() => UseClaimStore(static _ => null);

    /// <summary>Configures the options in code (after what was bound before).</summary>
    public SlackSocketModeBuilder Configure(Action<SlackSocketModeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _options.Configure(configure);
        return this;
    }
}

/// <summary>How the hosted app's claim store is made (one registration: the last choice wins).</summary>
internal sealed class ClaimStoreChoice(Func<IServiceProvider, ISlackClaimStore?> create)
{
    public ISlackClaimStore? Create(IServiceProvider services) => create(services);
}
