using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace SlackKit.WebSockets.Hosting;

/// <summary>
/// Runs one <see cref="WebSocketClient"/> for <typeparamref name="THandler"/> with the host (the original's
/// <c>child_spec</c>): started with the host, stopped with it (<c>[OnTerminate]</c> runs), restarted by
/// <see cref="WebSocketClientHostOptions"/>' policy when it ends with an error. Resolve it from the container to
/// reach <see cref="Client"/>.
/// </summary>
/// <typeparam name="THandler">The handler, resolved from the container for each start.</typeparam>
public sealed partial class WebSocketClientService<THandler> : IHostedService
    where THandler : class, IWebSocketHandler
{
    private readonly IServiceProvider _services;
    private readonly WebSocketClientHostOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _supervision = Task.CompletedTask;
    private volatile WebSocketClient? _client;
    private int _restarts;
    private readonly Queue<long> _recentRestarts = new(); // the supervision loop's alone: timestamps of restarts within RestartWindow
    private volatile bool _endedForGood; // set by the supervision loop when no restart will follow; read by the health check

    /// <summary>Created by the container; see <see cref="WebSocketClientServiceCollectionExtensions.AddWebSocketClient{THandler}"/>.</summary>
    public WebSocketClientService(IServiceProvider services, IOptionsMonitor<WebSocketClientHostOptions> options)
    {
        _services = services;
        _options = options.Get(OptionsName);
        _logger = (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger<WebSocketClientService<THandler>>() ?? NullLogger.Instance;
    }

    /// <summary>The name of <typeparamref name="THandler"/>'s options: its full type name.</summary>
    public static string OptionsName { get; } = typeof(THandler).FullName ?? typeof(THandler).Name;

    /// <summary>The client now running, or the one that ended last; null before the host starts.</summary>
    public WebSocketClient? Client => _client;

    /// <summary>How many times a failed client was started again, in the host's life.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>True once the client has ended and will not be started again (it failed past the restart policy, or ended as it decided).</summary>
    public bool Ended => _endedForGood;

    /// <summary>Starts the client (its <c>[OnInit]</c> runs now: an exception from it fails the host's start).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _client = StartClient();
        _supervision = SuperviseAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>Stops the client: a close handshake if connected, then <c>[OnTerminate]</c>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        if (_client is { } client)
        {
            await client.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        await _supervision.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private WebSocketClient StartClient()
    {
        THandler handler = _services.GetRequiredService<THandler>();
        WebSocketClientOptions options = _options.Client;
        options.LoggerFactory ??= _services.GetService<ILoggerFactory>();
        if (_options.UrlProvider is { } provider)
        {
            return WebSocketClient.Start(cancellationToken => provider(_services, cancellationToken), handler, options);
        }

        return WebSocketClient.Start(_options.Url ?? throw new InvalidOperationException(
            $"WebSocketClientHostOptions for {OptionsName} has neither Url nor UrlProvider."), handler, options);
    }

    /// <summary>
    /// The restart policy: only a client that failed (or a restart whose start failed) is started again, after
    /// <see cref="WebSocketClientHostOptions.RestartDelay"/>, at most <see cref="WebSocketClientHostOptions.MaxRestarts"/> times.
    /// </summary>
    private async Task SuperviseAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                if (_client is { } client)
                {
                    TerminateReason reason = await client.Completion.WaitAsync(stopping).ConfigureAwait(false);
                    if (reason.Kind != TerminateKind.Failed)
                    {
                        _endedForGood = true;
                        LogEnded(_logger, OptionsName, reason.ToString());
                        return;
                    }

                    if (!_options.RestartOnFailure)
                    {
                        EndForGood($"{reason}; RestartOnFailure is off", reason.Exception);
                        return;
                    }
                }

                TimeProvider time = _options.Client.TimeProvider;
                while (_recentRestarts.TryPeek(out long at) && time.GetElapsedTime(at) >= _options.RestartWindow)
                {
                    _recentRestarts.Dequeue();
                }

                if (_recentRestarts.Count >= _options.MaxRestarts)
                {
                    EndForGood(
                        $"{_client?.Completion.Result.ToString() ?? "its start failed"}; it was restarted {_recentRestarts.Count} time(s) within {_options.RestartWindow}, MaxRestarts is {_options.MaxRestarts}",
                        _client?.Completion.Result.Exception);
                    return;
                }

                LogRestarting(_logger, OptionsName, (long)_options.RestartDelay.TotalMilliseconds, _client?.Completion.Result.Exception);
                await Task.Delay(_options.RestartDelay, time, stopping).ConfigureAwait(false); // the client's clock: tests run it fake
                Interlocked.Increment(ref _restarts);
                _recentRestarts.Enqueue(time.GetTimestamp());
                try
                {
                    _client = StartClient();
                }
                catch (Exception ex)
                {
                    // OnInit (or the container) failed: a failure like any other, under the same policy.
                    LogStartFailed(_logger, OptionsName, ex);
                    _client = null;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    /// <summary>The client failed and no restart follows: said as an error, and the host is stopped when so configured.</summary>
    private void EndForGood(string why, Exception? exception)
    {
        _endedForGood = true;
        bool stopHost = _options.StopHostWhenEnded && _services.GetService<IHostApplicationLifetime>() is not null;
        LogFailedForGood(_logger, OptionsName, why, stopHost ? "the host is stopped (StopHostWhenEnded)" : "the host runs on without it", exception);
        if (stopHost)
        {
            _services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        }
    }

    [LoggerMessage(4, LogLevel.Error, "The WebSocket client for {Handler} failed and will not be started again: {Reason}; {Consequence}")]
    private static partial void LogFailedForGood(ILogger logger, string handler, string reason, string consequence, Exception? exception);

    [LoggerMessage(1, LogLevel.Warning, "The WebSocket client for {Handler} failed; restarting in {DelayMs} ms")]
    private static partial void LogRestarting(ILogger logger, string handler, long delayMs, Exception? exception);

    [LoggerMessage(2, LogLevel.Information, "The WebSocket client for {Handler} ended: {Reason}")]
    private static partial void LogEnded(ILogger logger, string handler, string reason);

    [LoggerMessage(3, LogLevel.Error, "The WebSocket client for {Handler} could not start again")]
    private static partial void LogStartFailed(ILogger logger, string handler, Exception exception);
}
