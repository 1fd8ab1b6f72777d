using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SlackKit.SocketMode.Tests;

/// <summary>Keeps every log line (message and exception text) of every category.</summary>
public sealed class ListLogger : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public string[] Lines => [.. _lines];

    public ILoggerFactory Factory() => LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)} {exception}");

    public void Dispose()
    {
    }
}
