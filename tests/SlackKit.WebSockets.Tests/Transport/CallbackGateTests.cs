using SlackKit.WebSockets.Internal;

namespace SlackKit.WebSockets.Tests.Transport;

/// <summary>The gate that keeps callbacks one at a time between the mailbox loop and a receive loop running a handler inline.</summary>
public sealed class CallbackGateTests
{
    [Fact]
    public void Only_one_holder_at_a_time_and_the_gate_is_free_again_after_Exit()
    {
        var gate = new CallbackGate();

        Assert.True(gate.TryEnter());
        Assert.False(gate.TryEnter());
        gate.Exit();
        Assert.True(gate.TryEnter());
    }

    [Fact]
    public async Task The_mailbox_loop_waits_while_the_gate_is_held_and_goes_on_when_it_is_left()
    {
        var gate = new CallbackGate();
        Assert.True(gate.TryEnter()); // a handler runs inline

        Task entering = gate.EnterAsync().AsTask();
        Assert.False(entering.IsCompleted);
        gate.Exit();

        await entering.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.False(gate.TryEnter()); // the mailbox loop holds it now
    }

    [Fact]
    public async Task Under_contention_no_two_holders_overlap_and_the_waiter_is_never_lost()
    {
        // The receive loop's side tries and leaves in a tight loop; the mailbox loop's side enters (waiting when it
        // must) and leaves. Every entry is counted inside the gate: two holders at once would be seen, and a lost
        // wake-up would leave the mailbox side waiting past the timeout.
        var gate = new CallbackGate();
        int inside = 0, overlaps = 0, tries = 0;
        using var done = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task receiveLoop = Task.Run(() =>
        {
            started.SetResult();
            while (!done.IsCancellationRequested)
            {
                if (gate.TryEnter())
                {
                    if (Interlocked.Increment(ref inside) != 1)
                    {
                        Interlocked.Increment(ref overlaps);
                    }

                    Interlocked.Decrement(ref inside);
                    gate.Exit();
                }

                Interlocked.Increment(ref tries);
            }
        });

        await started.Task.WaitAsync(TimeSpan.FromSeconds(15)); // both sides at work before the count begins
        for (int i = 0; i < 100_000 || Volatile.Read(ref tries) < 100_000; i++)
        {
            await gate.EnterAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
            if (Interlocked.Increment(ref inside) != 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            Interlocked.Decrement(ref inside);
            gate.Exit();
        }

        done.Cancel();
        await receiveLoop;
        Assert.Equal(0, overlaps);
    }
}
