using System.Text;
using SlackKit.WebSockets.Internal.Protocol;

namespace SlackKit.WebSockets.Tests.Protocol;

/// <summary>
/// Feeds a <see cref="FrameReader"/> the way the receive loop does (a buffer of at most <c>limit</c> bytes that keeps
/// what was not consumed, pieces of a message put together), and writes what it reports as events:
/// <c>text:…</c>, <c>binary:HEX</c>, <c>ping:HEX</c>, <c>pong:HEX</c>, <c>close:CODE:REASON</c>, <c>violation:CODE</c>.
/// </summary>
internal sealed class ReaderDriver(long maxMessageSize, int limit)
{
    private readonly FrameReader _reader = new(maxMessageSize);
    private readonly List<byte> _buffer = [];
    private readonly List<byte> _message = [];

    public List<string> Events { get; } = [];

    public bool Ended { get; private set; }

    public FrameReader Reader => _reader;

    /// <summary>Gives the reader the next bytes that arrived; returns the events they completed.</summary>
    public void Feed(ReadOnlySpan<byte> arrived)
    {
        if (Ended)
        {
            return;
        }

        _buffer.AddRange(arrived.ToArray());
        while (true)
        {
            byte[] input = [.. _buffer];
            ReadEvent read = _reader.Read(input, limit, out int consumed, out ReadOnlySpan<byte> payload);
            if (consumed > input.Length || (read != ReadEvent.NeedMore && read != ReadEvent.Violation && payload.Length > consumed))
            {
                throw new InvalidOperationException("the reader consumed more than it was given");
            }

            _buffer.RemoveRange(0, consumed);
            switch (read)
            {
                case ReadEvent.NeedMore:
                    // A data frame is awaited whole only within the limit; a control frame (at most 127 bytes) always is.
                    if (_buffer.Count > Math.Max(limit, 2 + WebSocketFrame.MaxControlPayloadLength) + FrameHeader.MaxLength && _reader.FrameRemaining == 0)
                    {
                        throw new InvalidOperationException($"the reader kept {_buffer.Count} bytes waiting, over the limit of {limit}");
                    }

                    return;
                case ReadEvent.Data:
                    if (_reader.IsMessageStart)
                    {
                        _message.Clear();
                    }

                    _message.AddRange(payload.ToArray());
                    if (_reader.IsMessageEnd)
                    {
                        Events.Add(_reader.MessageOpcode == Opcode.Text
                            ? "text:" + Encoding.UTF8.GetString([.. _message])
                            : "binary:" + Convert.ToHexString([.. _message]));
                    }

                    break;
                case ReadEvent.Ping:
                    Events.Add("ping:" + Convert.ToHexString(payload));
                    break;
                case ReadEvent.Pong:
                    Events.Add("pong:" + Convert.ToHexString(payload));
                    break;
                case ReadEvent.Close:
                    Events.Add($"close:{_reader.CloseCode}:{_reader.CloseReason}");
                    Ended = true;
                    return;
                case ReadEvent.Violation:
                    Events.Add($"violation:{_reader.Violation!.CloseCode}");
                    Ended = true;
                    return;
            }
        }
    }

    /// <summary>Feeds <paramref name="stream"/> cut into pieces of the given sizes (the last piece takes the rest).</summary>
    public ReaderDriver FeedInPieces(byte[] stream, IEnumerable<int> sizes)
    {
        int offset = 0;
        foreach (int size in sizes)
        {
            int take = Math.Min(size, stream.Length - offset);
            Feed(stream.AsSpan(offset, take));
            offset += take;
        }

        Feed(stream.AsSpan(offset));
        return this;
    }
}
