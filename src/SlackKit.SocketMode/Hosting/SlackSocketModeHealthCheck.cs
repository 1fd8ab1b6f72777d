using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SlackKit.SocketMode;

/// <summary>Connected (every connection ready), degraded (some), unhealthy (none, or the app ended).</summary>
internal sealed class SlackSocketModeHealthCheck(SlackSocketModeService service) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        SlackSocketModeClient? client = service.Client;
        if (client is null)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The Socket Mode app has not started."));
        }

        if (client.Completion.IsCompleted)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The Socket Mode app has ended.", client.Completion.Exception?.InnerException));
        }

        int ready = client.ConnectedCount;
        int wanted = service.ConfiguredConnections;
        var data = new Dictionary<string, object> { ["connected"] = ready, ["configured"] = wanted };
        return Task.FromResult(ready >= wanted
            ? HealthCheckResult.Healthy($"{ready} of {wanted} Socket Mode connection(s) ready.", data)
            : ready > 0
                ? HealthCheckResult.Degraded($"{ready} of {wanted} Socket Mode connection(s) ready.", data: data)
                : HealthCheckResult.Unhealthy($"No Socket Mode connection ready (of {wanted}).", data: data));
    }
}
