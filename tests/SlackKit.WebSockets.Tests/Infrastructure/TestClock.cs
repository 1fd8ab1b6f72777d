using Microsoft.Extensions.Time.Testing;

namespace SlackKit.WebSockets.Tests.Infrastructure;

/// <summary>
/// A fake clock (<see cref="FakeTimeProvider"/>) that also knows which timers the client has scheduled, so that a
/// test waits for the client to wait (an event, not a sleep) before it moves time on. Time moves only when the test
/// calls <see cref="FakeTimeProvider.Advance"/>.
/// </summary>
internal sealed class TestClock : FakeTimeProvider
{
    private readonly object _gate = new();
    private readonly List<TrackedTimer> _timers = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TestClock()
        : base(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>How far each timer now scheduled is from firing.</summary>
    public TimeSpan[] Pending
    {
        get
        {
            lock (_gate)
            {
                DateTimeOffset now = GetUtcNow();
                return [.. _timers.Where(t => t.Due is not null).Select(t => t.Due!.Value - now).Order()];
            }
        }
    }

    /// <summary>Waits until a timer is scheduled to fire exactly <paramref name="dueIn"/> from now.</summary>
    public Task WaitForTimerAsync(TimeSpan dueIn, string what) =>
        WaitUntilAsync(() => Pending.Contains(dueIn), $"a timer due in {dueIn.TotalMilliseconds} ms for {what}");

    /// <summary>
    /// Lets fake time run: each time the client waits on a timer due within <paramref name="horizon"/>, time moves to
    /// the earliest one, until <paramref name="done"/> completes (or fails after <paramref name="maxSteps"/> steps, saying what is pending). Timers further off (a long close timeout, say) are left alone.
    /// </summary>
    public async Task RunUntilAsync(Task done, TimeSpan horizon, int maxSteps = 10_000)
    {
        for (int step = 0; step < maxSteps && !done.IsCompleted; step++)
        {
            Task waiting = WaitUntilAsync(() => done.IsCompleted || Pending.Any(p => p <= horizon), "a timer to move time to");
            if (await Task.WhenAny(done, waiting) == waiting)
            {
                await waiting; // throws when nothing happened within the timeout
            }

            if (!done.IsCompleted && Pending is [var next, ..] && next <= horizon)
            {
                // A timer seen as due now that moving by nothing does not fire (the fake provider counts a fraction of
                // a millisecond its own way): move on by a millisecond instead of standing still.
                Advance(next > TimeSpan.Zero ? next : TimeSpan.FromMilliseconds(1));
            }
        }

        if (!done.IsCompleted)
        {
            throw new TimeoutException($"{maxSteps} steps of fake time and still not done; pending timers: [{string.Join(", ", Pending.Select(p => p.TotalMilliseconds + " ms"))}]");
        }
    }

    /// <summary>
    /// Stops <paramref name="client"/> when disposed, moving fake time as its stop needs (a close timeout), so that a
    /// test that failed half-way does not leave the client waiting for a time that never comes.
    /// </summary>
    public IAsyncDisposable Own(WebSocketClient client) => new Owned(this, client);

    private sealed class Owned(TestClock clock, WebSocketClient client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Task stop = client.StopAsync();
            await clock.RunUntilAsync(stop, horizon: TimeSpan.MaxValue);
            await stop.WaitAsync(Recorder.Timeout);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, checking each time a timer is scheduled, changed or fired.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Recorder.Timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition())
            {
                return;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {Recorder.Timeout.TotalSeconds} s for {what}; pending timers: [{string.Join(", ", Pending.Select(p => p.TotalMilliseconds + " ms"))}]");
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this, period);
        lock (_gate)
        {
            _timers.Add(tracked);
        }

        // Scheduled before the fake timer exists: a timer due now fires inside base.CreateTimer, and its Fired() must
        // come after, or it would look pending for ever (and RunUntilAsync would spin on a timer that never fires).
        tracked.Schedule(dueTime);
        tracked.Inner = base.CreateTimer(s =>
        {
            tracked.Fired();
            callback(s);
        }, state, dueTime, period);
        return tracked;
    }

    private void Changed()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }

    private sealed class TrackedTimer(TestClock clock, TimeSpan period) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        /// <summary>When it fires next; null when it will not.</summary>
        public DateTimeOffset? Due { get; private set; }

        public void Schedule(TimeSpan dueTime)
        {
            Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime;
            clock.Changed();
        }

        public void Fired()
        {
            Due = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : clock.GetUtcNow() + period;
            clock.Changed();
        }

        public bool Change(TimeSpan dueTime, TimeSpan newPeriod)
        {
            Schedule(dueTime);
            return Inner.Change(dueTime, newPeriod);
        }

        public void Dispose()
        {
            Due = null;
            lock (clock._gate)
            {
                clock._timers.Remove(this);
            }

            Inner.Dispose();
            clock.Changed();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
