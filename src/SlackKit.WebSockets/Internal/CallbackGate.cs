namespace SlackKit.WebSockets.Internal;

/// <summary>
/// Who runs callbacks now, as one word: free, held, or held with the mailbox loop waiting for it. The receive loop only
/// ever tries (<see cref="TryEnter"/>: one compare-and-swap, no lock) and the holder leaves with one exchange; only a
/// mailbox loop that finds the gate held takes the signal's lock, to wait. Replaces a <see cref="SemaphoreSlim"/>, whose
/// every Wait(0) and Release took a monitor on the receive loop's path (a profile of fan-in put much of its extra CPU there).
/// </summary>
/// <remarks>
/// One waiter at a time: the mailbox loop (<see cref="EnterAsync"/>). The receive loop never waits: it hands the
/// frame to the mailbox instead.
/// </remarks>
internal sealed class CallbackGate : AsyncSignal
{
    private const int Free = 0, Held = 1, HeldAndAwaited = 2;
    private int _state;

    /// <summary>Takes the gate when it is free.</summary>
    public bool TryEnter() => Interlocked.CompareExchange(ref _state, Held, Free) == Free;

    /// <summary>Takes the gate, waiting for its holder to leave (the mailbox loop only).</summary>
    public ValueTask EnterAsync() => TryEnter() ? default : EnterWhenLeftAsync();

    /// <summary>Leaves the gate; wakes the mailbox loop when it waits.</summary>
    public void Exit()
    {
        if (Interlocked.Exchange(ref _state, Free) != HeldAndAwaited)
        {
            return;
        }

        bool waiting;
        lock (Gate)
        {
            waiting = TakeWaiterUnderGate();
        }

        if (waiting)
        {
            Wake();
        }
    }

    protected override bool ResultOnWake() => true;

    private async ValueTask EnterWhenLeftAsync()
    {
        while (true)
        {
            ValueTask<bool> wait;
            lock (Gate)
            {
                // Say that someone waits; the holder's Exit then takes this lock, so it finds the waiter registered.
                int seen = Interlocked.CompareExchange(ref _state, HeldAndAwaited, Held);
                if (seen == Free)
                {
                    if (TryEnter())
                    {
                        return;
                    }

                    continue; // taken again meanwhile: look again
                }

                wait = WaitUnderGate();
            }

            await wait.ConfigureAwait(false);
            if (TryEnter())
            {
                return;
            }
        }
    }
}
