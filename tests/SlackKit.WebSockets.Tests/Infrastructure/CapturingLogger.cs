using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SlackKit.WebSockets.Tests.Infrastructure;

/// <summary>An ILoggerProvider that keeps every entry: level, event id, formatted message and exception.</summary>
/// <param name="recorder">When given, each entry is also added to it as "log:{event id}:{message}", for a test that waits on a recorder.</param>
internal sealed class CapturingLogger(Recorder? recorder = null) : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, EventId Id, string Message, Exception? Exception)> _entries = new();

    public (LogLevel Level, EventId Id, string Message, Exception? Exception)[] Entries => [.. _entries];

    /// <summary>Each entry as one line: level, event id, message and exception.</summary>
    public string[] Lines => [.. _entries.Select(e => $"{e.Level} {e.Id.Id} {e.Message} {e.Exception}")];

    public ILoggerFactory Factory() => LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    private readonly ConcurrentQueue<string> _categories = new();

    /// <summary>Every category a logger was made for, in order.</summary>
    public string[] Categories => [.. _categories];

    public ILogger CreateLogger(string categoryName)
    {
        _categories.Enqueue(categoryName);
        return this;
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string message = formatter(state, exception);
        _entries.Enqueue((logLevel, eventId, message + " " + string.Join(" ", (state as IEnumerable<KeyValuePair<string, object?>>)?.Select(kv => $"{kv.Key}={kv.Value}") ?? []), exception));
        recorder?.Add($"log:{eventId.Id}:{message}");
        TaskCompletionSource logged;
        lock (_entries)
        {
            logged = _logged;
            _logged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        logged.SetResult();
    }

    private TaskCompletionSource _logged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Waits until an entry with event id <paramref name="eventId"/> has been logged (at once if one was).</summary>
    public async Task WaitForAsync(int eventId, string what)
    {
        using var timeout = new CancellationTokenSource(Recorder.Timeout);
        while (true)
        {
            Task logged;
            lock (_entries)
            {
                logged = _logged.Task;
            }

            if (_entries.Any(e => e.Id.Id == eventId))
            {
                return;
            }

            try
            {
                await logged.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {Recorder.Timeout.TotalSeconds} s for {what} (log event {eventId}); logged: [{string.Join(" | ", _entries.Select(e => e.Id.Id + ": " + e.Message))}]");
            }
        }
    }

    public void Dispose()
    {
    }
}
