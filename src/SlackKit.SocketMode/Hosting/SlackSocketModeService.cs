using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlackKit.SocketMode.CompilerServices;

namespace SlackKit.SocketMode;

/// <summary>
/// The hosted service <c>AddSlackSocketMode</c> registers: starts the app with the host, stops it with the host, and
/// stops the host when the app ends on an error no retry fixes (a refused token, Socket Mode switched off).
/// </summary>
public sealed class SlackSocketModeService : IHostedService, IAsyncDisposable
{
    private readonly ISlackApp _app;
    private readonly SlackSocketModeOptions _options;
    private readonly SlackApi _api;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly ISlackClaimStore? _claimStore;
    private SlackSocketModeClient? _client;

    internal SlackSocketModeService(ISlackApp app, IOptions<SlackSocketModeOptions> options, SlackApi api, ILoggerFactory? loggerFactory, IHostApplicationLifetime? lifetime, ISlackClaimStore? claimStore)
    {
        _claimStore = claimStore;
        _app = app;
        _options = options.Value;
        _api = api;
        _loggerFactory = loggerFactory;
        _lifetime = lifetime;
    }

    /// <summary>The running app, once the host started it.</summary>
    public SlackSocketModeClient? Client => Volatile.Read(ref _client);

    /// <summary>How many connections the app keeps (the configured <see cref="SlackSocketModeOptions.Connections"/>).</summary>
    public int ConfiguredConnections => _options.Connections;

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        SlackSocketModeClient client = SlackSocketModeClient.Start(_app, _options, _api, _loggerFactory, _claimStore);
        Volatile.Write(ref _client, client);
        client.Completion.ContinueWith(
            ended =>
            {
                if (ended.IsFaulted)
                {
                    _lifetime?.StopApplication(); // the client logged why, as Critical; Client.Completion holds it
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Client is { } client)
        {
            try
            {
                await client.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SlackSocketModeException)
            {
                // Logged when it happened; the host is stopping because of it.
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Client is { } client)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }
}
