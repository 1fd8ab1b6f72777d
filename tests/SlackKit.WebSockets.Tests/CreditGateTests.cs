using SlackKit.WebSockets.Internal;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>The receive pump's credits (contract row 3's bounded mailbox): a waiting pump resumes once half are back.</summary>
public class CreditGateTests
{
    [Fact]
    public async Task A_waiting_pump_resumes_once_half_the_credits_are_back_not_at_the_first()
    {
        var gate = new CreditGate(4);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(gate.TryTake());
        }

        ValueTask<bool> waiting = gate.TakeAsync();
        Assert.False(waiting.IsCompleted);

        gate.Release();
        Assert.False(waiting.IsCompleted); // one credit back: no wake was even scheduled

        gate.Release();
        Assert.True(await waiting.AsTask().WaitAsync(Recorder.Timeout)); // two of four: the pump goes on, taking one
        Assert.True(gate.TryTake());
        Assert.False(gate.TryTake());
    }

    [Fact]
    public async Task Closing_wakes_a_waiting_pump_at_once_and_gives_no_more_credits()
    {
        var gate = new CreditGate(1);
        Assert.True(gate.TryTake());
        ValueTask<bool> waiting = gate.TakeAsync();

        gate.Close();

        Assert.False(await waiting.AsTask().WaitAsync(Recorder.Timeout));
        gate.Release();
        Assert.False(gate.TryTake());
    }
}
