namespace SlackKit.SocketMode.Internal;

/// <summary>
/// Runs handlers off the connections' mailboxes: at most <c>maxConcurrent</c> at once, and in arrival order among
/// those with the same order key (a channel), so that a slow handler delays only what must come after it.
/// </summary>
/// <remarks>
/// Thread-safe: every connection schedules here. <see cref="_tails"/> (the last work of each key) and
/// <see cref="_running"/> are under <see cref="_gate"/>; the work's own order is kept by chaining on its key's tail.
/// </remarks>
internal sealed class HandlerScheduler(int maxConcurrent)
{
    private readonly SemaphoreSlim _slots = new(maxConcurrent, maxConcurrent);
    private readonly object _gate = new();
    private readonly Dictionary<string, Task> _tails = new(StringComparer.Ordinal);
    private int _running;
    private TaskCompletionSource? _idle;

    /// <summary>
    /// Schedules <paramref name="work"/>; it never throws out of here (the work handles its own failures). With
    /// <paramref name="admit"/>, the work takes its place in the order now but runs only if <paramref name="admit"/>
    /// comes true (it must not throw); it holds no slot while it waits for it.
    /// </summary>
    public void Schedule(string? orderKey, Func<Task> work, Task<bool>? admit = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? previous = null;
        lock (_gate)
        {
            _running++;
            if (orderKey is not null)
            {
                _tails.TryGetValue(orderKey, out previous);
                _tails[orderKey] = done.Task;
            }
        }

        _ = RunAsync(orderKey, previous, work, admit, done);
    }

    /// <summary>Completes when no work is scheduled (or when <paramref name="cancellationToken"/> fires).</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        Task idle;
        lock (_gate)
        {
            if (_running == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = _idle.Task;
        }

        return idle.WaitAsync(cancellationToken);
    }

    private async Task RunAsync(string? orderKey, Task? previous, Func<Task> work, Task<bool>? admit, TaskCompletionSource done)
    {
        try
        {
            if (previous is not null)
            {
                await previous.ConfigureAwait(false); // never faults: it is another work's `done`
            }

            if (admit is not null && !await admit.ConfigureAwait(false))
            {
                return;
            }

            await _slots.WaitAsync().ConfigureAwait(false);
            try
            {
                await work().ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
        }
        finally
        {
            TaskCompletionSource? idle = null;
            lock (_gate)
            {
                if (orderKey is not null && _tails.TryGetValue(orderKey, out Task? tail) && tail == done.Task)
                {
                    _tails.Remove(orderKey);
                }

                if (--_running == 0)
                {
                    idle = _idle;
                    _idle = null;
                }
            }

            done.SetResult();
            idle?.SetResult();
        }
    }
}
