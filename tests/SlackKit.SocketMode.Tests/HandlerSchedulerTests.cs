using SlackKit.SocketMode.Internal;

namespace SlackKit.SocketMode.Tests;

/// <summary>The handler scheduler alone: per-channel order, the concurrency bound, admission, and progress after a fault.</summary>
public sealed class HandlerSchedulerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Work_of_one_channel_runs_in_arrival_order_one_at_a_time_while_other_channels_run_beside_it()
    {
        var scheduler = new HandlerScheduler(maxConcurrent: 8);
        var order = new List<string>();
        var firstRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var otherRan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        scheduler.Schedule("C1", async () =>
        {
            Record(order, "C1-1");
            firstRunning.SetResult();
            await releaseFirst.Task;
        });
        scheduler.Schedule("C1", () => { Record(order, "C1-2"); return Task.CompletedTask; });
        scheduler.Schedule("C1", async () => { await Task.Yield(); Record(order, "C1-3"); });
        scheduler.Schedule("C2", () => { Record(order, "C2-1"); otherRan.SetResult(); return Task.CompletedTask; });

        await firstRunning.Task.WaitAsync(Patience);
        await otherRan.Task.WaitAsync(Patience); // another channel is not held by C1's slow handler
        Assert.Equal(["C1-1", "C2-1"], Snapshot(order)); // C1's next ones wait for the first

        releaseFirst.SetResult();
        await scheduler.WhenIdleAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(["C1-1", "C2-1", "C1-2", "C1-3"], Snapshot(order));
    }

    [Fact]
    public async Task A_long_queue_of_one_channel_runs_in_order()
    {
        // Handlers that finish at once, queued behind one that waits: all of them run, in order, once it is done (and
        // 20,000 waiting on each other end without a stack overflow or a lost one).
        var scheduler = new HandlerScheduler(maxConcurrent: 4);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = new List<int>();
        scheduler.Schedule("C", () => release.Task);
        for (int i = 0; i < 20_000; i++)
        {
            int n = i;
            scheduler.Schedule("C", () => { ran.Add(n); return Task.CompletedTask; }); // one at a time: no lock needed
        }

        release.SetResult();
        await scheduler.WhenIdleAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(Enumerable.Range(0, 20_000), ran);
    }

    [Fact]
    public async Task At_most_maxConcurrent_handlers_run_at_once()
    {
        var scheduler = new HandlerScheduler(maxConcurrent: 2);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var twoRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int running = 0, most = 0, started = 0;
        for (int i = 0; i < 6; i++)
        {
            scheduler.Schedule(orderKey: null, async () =>
            {
                int now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                if (Interlocked.Increment(ref started) == 2)
                {
                    twoRunning.SetResult();
                }

                await release.Task;
                Interlocked.Decrement(ref running);
            });
        }

        await twoRunning.Task.WaitAsync(Patience);
        Assert.Equal(2, Volatile.Read(ref started)); // the other four wait for a slot: none has started

        release.SetResult();
        await scheduler.WhenIdleAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Equal((6, 2), (started, most));
    }

    [Fact]
    public async Task Work_waiting_for_admission_keeps_its_place_and_runs_only_if_admitted()
    {
        var scheduler = new HandlerScheduler(maxConcurrent: 8);
        var order = new List<string>();
        var admitFirst = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var admitSecond = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        scheduler.Schedule("C", () => { Record(order, "refused"); return Task.CompletedTask; }, admitFirst.Task);
        scheduler.Schedule("C", () => { Record(order, "admitted"); return Task.CompletedTask; }, admitSecond.Task);
        scheduler.Schedule("C", () => { Record(order, "last"); return Task.CompletedTask; });

        admitSecond.SetResult(true); // decided first, but it waits for its place
        Assert.Empty(Snapshot(order));
        Assert.False(scheduler.WhenIdleAsync(CancellationToken.None).IsCompleted);

        admitFirst.SetResult(false);
        await scheduler.WhenIdleAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(["admitted", "last"], Snapshot(order));
    }

    [Fact]
    public async Task A_handler_that_throws_does_not_hold_back_its_channel()
    {
        var scheduler = new HandlerScheduler(maxConcurrent: 8);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new List<string>();
        scheduler.Schedule("C", () => release.Task);
        scheduler.Schedule("C", () => throw new InvalidOperationException("a handler's own failure it did not handle"));
        scheduler.Schedule("C", async () => { await Task.Yield(); throw new InvalidOperationException("one that fails later"); });
        scheduler.Schedule("C", () => { Record(order, "after"); return Task.CompletedTask; });

        release.SetResult();
        await scheduler.WhenIdleAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(["after"], Snapshot(order));

        // The channel is free again: the next work runs at once.
        scheduler.Schedule("C", () => { Record(order, "again"); return Task.CompletedTask; });
        await scheduler.WhenIdleAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(["after", "again"], Snapshot(order));
    }

    private static void Record(List<string> order, string what)
    {
        lock (order)
        {
            order.Add(what);
        }
    }

    private static string[] Snapshot(List<string> order)
    {
        lock (order)
        {
            return [.. order];
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
