using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SlackKit.WebSockets;
using SlackKit.WebSockets.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers hosted WebSocket clients.</summary>
public static class WebSocketClientServiceCollectionExtensions
{
    /// <summary>
    /// Runs a <see cref="WebSocketClient"/> for <typeparamref name="THandler"/> as a hosted service: started and
    /// stopped with the host, restarted by policy when it fails. The handler comes from the container: it is added
    /// as transient (a new one for each start) unless it is already registered.
    /// </summary>
    /// <returns>The builder of the client's options, to bind or validate further (<c>.Bind(configuration.GetSection("Bot"))</c>).</returns>
    public static OptionsBuilder<WebSocketClientHostOptions> AddWebSocketClient<THandler>(
        this IServiceCollection services, Action<WebSocketClientHostOptions>? configure = null)
        where THandler : class, IWebSocketHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddTransient<THandler>();
        services.TryAddSingleton<WebSocketClientService<THandler>>();
        services.AddHostedService(provider => provider.GetRequiredService<WebSocketClientService<THandler>>());

        OptionsBuilder<WebSocketClientHostOptions> options = services.AddOptions<WebSocketClientHostOptions>(WebSocketClientService<THandler>.OptionsName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return options.Validate(
            o => o.Url is not null || o.UrlProvider is not null,
            $"WebSocketClientHostOptions for {typeof(THandler).Name} needs a Url (or a UrlProvider).");
    }
}
