using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
        services.TryAddSingleton(sp => new SlackSocketModeService(
            sp.GetRequiredService<TApp>(),
            sp.GetRequiredService<IOptions<SlackSocketModeOptions>>(),
            sp.GetRequiredService<SlackApi>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IHostApplicationLifetime>()));
        services.AddHostedService(sp => sp.GetRequiredService<SlackSocketModeService>());
        return new SlackSocketModeBuilder(services, options);
    }

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

    /// <summary>Configures the options in code (after what was bound before).</summary>
    public SlackSocketModeBuilder Configure(Action<SlackSocketModeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _options.Configure(configure);
        return this;
    }
}
