using Microsoft.Extensions.Time.Testing;

namespace SlackKit.SocketMode.Tests;

/// <summary>A fake clock that tells when a timer is set, so that a test moves time only once the client waits on it.</summary>
public sealed class WatchingClock : FakeTimeProvider
{
    private readonly object _gate = new();
    private readonly List<TimeSpan> _set = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = base.CreateTimer(callback, state, dueTime, period);
        TaskCompletionSource changed;
        lock (_gate)
        {
            _set.Add(dueTime);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
        return timer;
    }

    /// <summary>Waits until a timer due in exactly <paramref name="dueIn"/> has been set (at once if one was).</summary>
    public async Task WaitForTimerAsync(TimeSpan dueIn)
    {
        using var timeout = new CancellationTokenSource(Journal.Timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_set.Contains(dueIn))
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No timer due in {dueIn} was set; set: [{string.Join(", ", _set)}]");
            }
        }
    }
}
