using SlackKit.WebSockets.Internal.Protocol;
using SlackKit.WebSockets.Internal.Transport;
using SlackKit.WebSockets.Tests.Infrastructure;
using SlackKit.WebSockets.Tests.Protocol;

namespace SlackKit.WebSockets.Tests.Transport;

/// <summary>The writer over a stream that counts its writes: batching, order, the close, and what is dropped.</summary>
public class WriterTests
{
    [Fact]
    public async Task A_burst_of_frames_goes_out_in_few_writes_in_order_with_the_control_lane_first()
    {
        const int Frames = 1_000;
        var stream = new RecordingStream();
        var queue = new SendQueue(Frames);
        for (int i = 0; i < Frames; i++)
        {
            Assert.True(queue.TryAdd(new Outgoing(WebSocketFrame.Text($"frame {i}"))));
        }

        queue.TryAddControl(Opcode.Pong, "pong"u8);
        Writer writer = Start(stream, queue, out Task writing);
        queue.Complete();
        await writing.WaitAsync(Recorder.Timeout);

        var frames = ClientFrames.Decode(stream.Written);
        Assert.Equal(["pong", .. Enumerable.Range(0, Frames).Select(i => $"frame {i}")], frames.Select(f => ClientFrames.Text(f.Payload)));
        Assert.All(frames, f => Assert.True(f.Fin && f.Masked));
        Assert.True(stream.Writes <= Frames / 100, $"{stream.Writes} writes for {Frames} frames"); // one per 64 KiB batch
        Assert.Equal(0, writer.Dropped);
    }

    [Fact]
    public async Task A_frame_over_32_KiB_is_written_on_its_own_masked_in_pieces_and_its_sender_learns_when_it_is_on_the_wire()
    {
        var stream = new RecordingStream();
        var queue = new SendQueue(10);
        byte[] large = [.. Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7))];
        SendCompletion written = SendCompletion.Rent();
        queue.TryAdd(new Outgoing(WebSocketFrame.Text("small")));
        queue.TryAdd(new Outgoing(WebSocketFrame.Binary(large), written));
        queue.TryAdd(new Outgoing(WebSocketFrame.Text(new string('é', 40_000)))); // 80,000 bytes of UTF-8 from a string

        Start(stream, queue, out Task writing);
        await written.Task.AsTask().WaitAsync(Recorder.Timeout);
        queue.Complete();
        await writing.WaitAsync(Recorder.Timeout);

        var frames = ClientFrames.Decode(stream.Written);
        Assert.Equal("small", ClientFrames.Text(frames[0].Payload));
        Assert.Equal(large, frames[1].Payload);
        Assert.Equal(new string('é', 40_000), ClientFrames.Text(frames[2].Payload));
    }

    [Fact]
    public async Task A_frame_over_1_MiB_is_written_in_1_MiB_pieces_each_masked_where_it_lies_in_the_frame()
    {
        var stream = new RecordingStream();
        var queue = new SendQueue(10);
        byte[] large = new byte[(5 * 1024 * 1024 / 2) + 3]; // 2.5 MiB and a bit: three pieces, the mask key mid-cycle at each cut
        new Random(7).NextBytes(large);
        queue.TryAdd(new Outgoing(WebSocketFrame.Binary(large)));

        Start(stream, queue, out Task writing);
        await Recorder.WaitUntilAsync(() => stream.Written.Length >= large.Length, "the whole frame");
        queue.Complete();
        await writing.WaitAsync(Recorder.Timeout);

        Assert.Equal(large, Assert.Single(ClientFrames.Decode(stream.Written)).Payload);
        Assert.Equal(3, stream.Writes);
    }

    [Fact]
    public async Task Nothing_follows_the_close_on_the_wire_what_was_queued_after_it_is_dropped_and_counted()
    {
        var stream = new RecordingStream();
        var queue = new SendQueue(10);
        var handshake = new CloseHandshake();
        queue.TryAdd(new Outgoing(WebSocketFrame.Text("before")));
        queue.TryAddClose(WebSocketFrame.Close(1000));
        var writer = new Writer(stream, queue, handshake, new Liveness(TimeProvider.System), _ => { });
        Task writing = writer.RunAsync();
        await Recorder.WaitUntilAsync(() => stream.Writes > 0, "the first write");
        queue.Complete();
        await writing.WaitAsync(Recorder.Timeout);

        Assert.Equal([0x1, 0x8], ClientFrames.Decode(stream.Written).Select(f => f.Opcode));
        Assert.False(handshake.IsComplete); // ours is out; the peer's has not come
    }

    [Fact]
    public async Task After_a_failed_write_the_rest_is_dropped_counted_and_its_senders_told()
    {
        var stream = new RecordingStream { FailAfter = 0 };
        var queue = new SendQueue(10);
        Exception? failure = null;
        var handshake = new CloseHandshake();
        SendCompletion lost = SendCompletion.Rent();
        queue.TryAdd(new Outgoing(WebSocketFrame.Text("one")));
        queue.TryAdd(new Outgoing(WebSocketFrame.Text("two"), lost));
        queue.TryAddControl(Opcode.Ping, []);
        var writer = new Writer(stream, queue, handshake, new Liveness(TimeProvider.System), ex => failure = ex);
        Task writing = writer.RunAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => lost.Task.AsTask().WaitAsync(Recorder.Timeout));
        queue.TryAdd(new Outgoing(WebSocketFrame.Text("three")));
        queue.Complete();
        await writing.WaitAsync(Recorder.Timeout);

        Assert.IsType<IOException>(failure);
        Assert.Equal(3, writer.Dropped);
    }

    private static Writer Start(Stream stream, SendQueue queue, out Task writing)
    {
        var writer = new Writer(stream, queue, new CloseHandshake(), new Liveness(TimeProvider.System), ex => throw ex);
        writing = writer.RunAsync();
        return writer;
    }

    /// <summary>A stream that keeps what is written and counts the writes; it can fail from a given write on.</summary>
    private sealed class RecordingStream : Stream
    {
        private readonly MemoryStream _written = new();
        private int _writes;

        public int? FailAfter { get; init; }

        public int Writes => Volatile.Read(ref _writes);

        public byte[] Written
        {
            get
            {
                lock (_written)
                {
                    return _written.ToArray();
                }
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (FailAfter is { } after && _writes >= after)
            {
                return ValueTask.FromException(new IOException("the connection was reset"));
            }

            lock (_written)
            {
                _written.Write(buffer.Span);
            }

            Interlocked.Increment(ref _writes);
            return ValueTask.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

/// <summary>The pooled completion an awaited SendAsync waits on: first completion wins, and it is reused only once both holders are done.</summary>
public class SendCompletionTests
{
    [Fact]
    public async Task The_writers_completion_reaches_the_caller()
    {
        SendCompletion completion = SendCompletion.Rent();
        ValueTask task = completion.Task;
        completion.TrySetResult();
        completion.ReleaseByWriter();

        await task;
    }

    [Fact]
    public async Task A_caller_that_gives_up_gets_OperationCanceledException_and_the_writers_later_completion_is_ignored()
    {
        using var cancel = new CancellationTokenSource();
        SendCompletion completion = SendCompletion.Rent();
        completion.CancelWith(cancel.Token);
        ValueTask task = completion.Task;

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.AsTask());

        // The frame was still written afterwards: the writer completes and lets go without disturbing anyone.
        completion.TrySetResult();
        completion.ReleaseByWriter();
        SendCompletion next = SendCompletion.Rent();
        ValueTask nextTask = next.Task;
        next.TrySetException(new InvalidOperationException("dropped"));
        next.ReleaseByWriter();
        await Assert.ThrowsAsync<InvalidOperationException>(() => nextTask.AsTask());
    }
}
