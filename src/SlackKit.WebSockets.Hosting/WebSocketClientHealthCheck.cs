using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SlackKit.WebSockets.Hosting;

/// <summary>
/// The health of the hosted client for <typeparamref name="THandler"/>: <see cref="HealthStatus.Healthy"/> while
/// connected, <see cref="HealthStatus.Degraded"/> while it is trying (connecting, reconnecting, or waiting to be
/// restarted), <see cref="HealthStatus.Unhealthy"/> once it has ended for good or before the host started it.
/// Register it with <see cref="WebSocketClientHealthChecksBuilderExtensions.AddWebSocketClient{THandler}"/>.
/// </summary>
public sealed class WebSocketClientHealthCheck<THandler>(WebSocketClientService<THandler> service) : IHealthCheck
    where THandler : class, IWebSocketHandler
{
    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["restarts"] = service.Restarts };
        WebSocketClient? client = service.Client;
        HealthCheckResult result;
        if (client is null)
        {
            result = service.Ended
                ? new HealthCheckResult(context.Registration.FailureStatus, "ended: the client could not be started again", data: data)
                : new HealthCheckResult(context.Registration.FailureStatus, "not started", data: data);
        }
        else
        {
            WebSocketClientState state = client.State;
            data["state"] = state.ToString();
            result = state switch
            {
                WebSocketClientState.Connected => HealthCheckResult.Healthy("connected", data),
                WebSocketClientState.Terminated when service.Ended =>
                    new HealthCheckResult(context.Registration.FailureStatus, "ended: " + (client.Completion.IsCompleted ? client.Completion.Result.ToString() : "terminating"), data: data),
                WebSocketClientState.Terminated => HealthCheckResult.Degraded("ended; the restart policy decides next", data: data),
                _ => HealthCheckResult.Degraded(state == WebSocketClientState.Connecting ? "connecting" : "disconnected; reconnecting by its policy", data: data),
            };
        }

        return Task.FromResult(result);
    }
}

/// <summary>Registers the health check of a hosted WebSocket client.</summary>
public static class WebSocketClientHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="WebSocketClientHealthCheck{THandler}"/> for the client added with
    /// <c>services.AddWebSocketClient&lt;THandler&gt;()</c>.
    /// </summary>
    /// <param name="builder">From <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name; default "websocket-" and the handler's type name.</param>
    /// <param name="failureStatus">What an ended client reports; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by (for example "ready").</param>
    public static IHealthChecksBuilder AddWebSocketClient<THandler>(this IHealthChecksBuilder builder, string? name = null, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
        where THandler : class, IWebSocketHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<WebSocketClientHealthCheck<THandler>>();
        return builder.Add(new HealthCheckRegistration(
            name ?? "websocket-" + typeof(THandler).Name,
            services => services.GetRequiredService<WebSocketClientHealthCheck<THandler>>(),
            failureStatus,
            tags));
    }
}
