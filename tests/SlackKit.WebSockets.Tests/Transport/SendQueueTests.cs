using SlackKit.WebSockets.Internal.Protocol;
using SlackKit.WebSockets.Internal.Transport;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests.Transport;

/// <summary>The send queue alone: one bound that it owns, the close's bypass, the control lane.</summary>
public class SendQueueTests
{
    private static Outgoing Text(string text) => new(WebSocketFrame.Text(text));

    [Fact]
    public void A_frame_holds_its_room_until_it_is_written_not_just_taken()
    {
        var queue = new SendQueue(capacity: 2);
        Assert.True(queue.TryAdd(Text("a")));
        Assert.True(queue.TryAdd(Text("b")));
        Assert.False(queue.TryAdd(Text("c")));

        Assert.True(queue.TryTake(out Outgoing first));
        Assert.Equal("a", first.Frame.GetText());
        Assert.False(queue.TryAdd(Text("c"))); // taken, not yet written
        queue.OnWritten(1);
        Assert.True(queue.TryAdd(Text("c")));
    }

    [Fact]
    public async Task Callers_waiting_for_room_get_it_in_turn_and_one_that_gives_up_passes_its_turn_on()
    {
        var queue = new SendQueue(capacity: 1);
        Assert.True(queue.TryAdd(Text("a")));
        using var gaveUp = new CancellationTokenSource();
        ValueTask<bool> leaving = queue.AddAsync(Text("leaves"), gaveUp.Token);
        ValueTask<bool> waiting = queue.AddAsync(Text("b"), CancellationToken.None);
        Assert.False(leaving.IsCompleted || waiting.IsCompleted);

        gaveUp.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await leaving);
        queue.TryTake(out _);
        queue.OnWritten(1);

        Assert.True(await waiting.AsTask().WaitAsync(Recorder.Timeout));
        Assert.True(queue.TryTake(out Outgoing next));
        Assert.Equal("b", next.Frame.GetText());
    }

    [Fact]
    public async Task The_close_needs_no_room_and_after_it_nothing_is_taken_and_waiting_callers_are_refused()
    {
        var queue = new SendQueue(capacity: 1);
        Assert.True(queue.TryAdd(Text("a")));
        ValueTask<bool> waiting = queue.AddAsync(Text("b"), CancellationToken.None);

        Assert.True(queue.TryAddClose(WebSocketFrame.Close(1000)));
        Assert.False(queue.TryAddClose(WebSocketFrame.Close(1001)));
        Assert.False(await waiting);
        Assert.False(queue.TryAdd(Text("c")));
        Assert.Equal(ControlAdd.Closed, queue.TryAddControl(Opcode.Pong, []));
        Assert.True(queue.IsClosed);

        Assert.True(queue.TryTake(out Outgoing first));
        Assert.True(queue.TryTake(out Outgoing close));
        Assert.Equal(("a", WebSocketFrameKind.Close), (first.Frame.GetText(), close.Frame.Kind));
    }

    [Fact]
    public async Task The_control_lane_is_taken_first_holds_a_bounded_number_and_says_when_it_has_room_again()
    {
        var queue = new SendQueue(capacity: 10);
        queue.TryAdd(Text("data"));
        for (int i = 0; i < SendQueue.ControlSlots; i++)
        {
            Assert.Equal(ControlAdd.Added, queue.TryAddControl(Opcode.Pong, [(byte)i]));
        }

        Assert.Equal(ControlAdd.Full, queue.TryAddControl(Opcode.Pong, [0xFF]));
        Task room = queue.WaitForControlRoomAsync();
        Assert.False(room.IsCompleted);

        byte[] frame = new byte[SendQueue.MaxControlFrameLength];
        Assert.True(queue.TryTakeControl(frame, out int length, out Opcode opcode, out int payload));
        await room.WaitAsync(Recorder.Timeout);
        var decoded = Protocol.ClientFrames.Decode(frame.AsSpan(0, length)).Single();
        Assert.Equal((Opcode.Pong, 1, (byte)0xA), (opcode, payload, decoded.Opcode));
        Assert.Equal([0], decoded.Payload);
    }

    [Fact]
    public async Task Completing_ends_the_readers_wait_once_what_is_left_is_taken_and_refuses_waiting_callers()
    {
        var queue = new SendQueue(capacity: 1);
        queue.TryAdd(Text("left"));
        ValueTask<bool> waiting = queue.AddAsync(Text("never"), CancellationToken.None);
        queue.Complete();

        Assert.False(await waiting);
        Assert.True(await queue.WaitToReadAsync());
        Assert.True(queue.TryTake(out _));
        Assert.False(await queue.WaitToReadAsync());
    }

    [Fact]
    public void A_cast_may_write_on_its_callers_thread_only_when_the_last_write_ended_long_enough_ago_and_nothing_is_queued()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var queue = new SendQueue(capacity: 10, clock);
        TimeSpan idle = Connection.CastIdle;

        Assert.True(queue.TryBeginWriteNowWhenIdle(idle)); // nothing written yet
        queue.EndWriteNow();
        Assert.False(queue.TryBeginWriteNowWhenIdle(idle)); // a cast right behind it: queued, for the writer to batch

        clock.Advance(idle - TimeSpan.FromTicks(1));
        Assert.False(queue.TryBeginWriteNowWhenIdle(idle));
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.True(queue.TryBeginWriteNowWhenIdle(idle)); // a lone cast, as a request after its answer
        Assert.False(queue.TryBeginWriteNowWhenIdle(TimeSpan.Zero)); // one write at a time
        queue.EndWriteNow();

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(queue.TryAdd(Text("queued")));
        Assert.False(queue.TryBeginWriteNowWhenIdle(idle)); // something waits: it goes first, through the writer
        Assert.True(queue.TryBeginBurst());
        Assert.True(queue.TryTake(out _));
        queue.OnWritten(1);
        queue.EndBurst();
        Assert.False(queue.TryBeginWriteNowWhenIdle(idle)); // the writer's burst just ended: idle again only CastIdle later
        clock.Advance(idle);
        Assert.True(queue.TryBeginWriteNowWhenIdle(idle));
    }
}
