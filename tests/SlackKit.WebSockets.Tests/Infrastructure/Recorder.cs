namespace SlackKit.WebSockets.Tests.Infrastructure;

/// <summary>
/// What happened, in order, from any thread; a test waits for the events it expects, with a timeout that only fails
/// the test (no sleeps).
/// </summary>
public sealed class Recorder
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly object _gate = new();
    private readonly List<string> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(string item)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _events.Add(item);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }

    public string[] Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the events so far, and returns them.</summary>
    public async Task<string[]> WaitForAsync(Func<string[], bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                string[] events = [.. _events];
                if (condition(events))
                {
                    return events;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {Timeout.TotalSeconds} s for {what}; saw: [{string.Join(", ", Events)}]");
            }
        }
    }

    /// <summary>
    /// Waits for a state no event announces (inside the client, seen through its test hooks), checking it every few
    /// milliseconds; <see cref="Timeout"/> only fails the test.
    /// </summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Waited {Timeout.TotalSeconds} s for {what}.");
            }

            await Task.Delay(5, CancellationToken.None);
        }
    }

    public Task<string[]> WaitForAsync(string item) => WaitForAsync(events => events.Contains(item), $"'{item}'");

    public Task<string[]> WaitForPrefixAsync(string prefix) =>
        WaitForAsync(events => events.Any(e => e.StartsWith(prefix, StringComparison.Ordinal)), $"an event starting '{prefix}'");
}
