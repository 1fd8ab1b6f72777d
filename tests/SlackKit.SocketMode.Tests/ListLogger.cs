using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SlackKit.SocketMode.Tests;

/// <summary>Keeps every log line (message and exception text) of every category.</summary>
public sealed class ListLogger(Recorder? journal = null) : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public string[] Lines => [.. _lines];

    public ILoggerFactory Factory() => LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    /// <summary>Each entry is kept; with a journal, "log:{event id}" is added to it too, for a test to wait on.</summary>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        _lines.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)} {exception}");
        journal?.Add($"log:{eventId.Id}");
    }

    public void Dispose()
    {
    }
}
