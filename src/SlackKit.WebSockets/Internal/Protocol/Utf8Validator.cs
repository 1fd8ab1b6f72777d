using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace SlackKit.WebSockets.Internal.Protocol;

/// <summary>
/// Validates a text message's UTF-8 as it arrives, piece by piece, and says so at the first piece that holds an
/// invalid byte, whether or not the rest of the message has come (RFC 6455 §8.1: fail fast). A sequence cut by the
/// end of a piece is carried over (at most 3 bytes), and is invalid at once when no continuation could make it valid
/// (such as F4 90: past U+10FFFF; ED A0: a surrogate; E0 80: an overlong form).
/// </summary>
internal struct Utf8Validator
{
    private uint _pending; // the bytes of a sequence cut by the end of the last piece, first in the low byte
    private int _pendingCount;

    /// <summary>True when the bytes so far end inside a sequence: a message may not end here.</summary>
    public readonly bool InsideSequence => _pendingCount != 0;

    /// <summary>Starts a new message.</summary>
    public void Reset() => _pendingCount = 0;

    /// <summary>Takes the next piece of the message; false when the bytes so far can no longer be valid UTF-8.</summary>
    public bool TryAdvance(ReadOnlySpan<byte> piece)
    {
        if (_pendingCount != 0)
        {
            // Finish the sequence the last piece cut, with as few bytes of this one as it needs.
            Span<byte> joined = stackalloc byte[4];
            for (int i = 0; i < _pendingCount; i++)
            {
                joined[i] = (byte)(_pending >> (8 * i));
            }

            int taken = Math.Min(4 - _pendingCount, piece.Length);
            piece[..taken].CopyTo(joined[_pendingCount..]);
            switch (Rune.DecodeFromUtf8(joined[..(_pendingCount + taken)], out _, out int consumed))
            {
                case OperationStatus.Done:
                    piece = piece[(consumed - _pendingCount)..];
                    _pendingCount = 0;
                    break;
                case OperationStatus.NeedMoreData:
                    Carry(joined[..(_pendingCount + taken)]);
                    return true;
                default:
                    return false;
            }
        }

        int tail = IncompleteTailStart(piece);
        if (!Utf8.IsValid(piece[..tail]))
        {
            return false;
        }

        if (tail == piece.Length)
        {
            return true;
        }

        // A sequence begins but does not end in this piece: valid so far, or invalid now.
        if (Rune.DecodeFromUtf8(piece[tail..], out _, out _) != OperationStatus.NeedMoreData)
        {
            return false;
        }

        Carry(piece[tail..]);
        return true;
    }

    private void Carry(ReadOnlySpan<byte> bytes)
    {
        _pending = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            _pending |= (uint)bytes[i] << (8 * i);
        }

        _pendingCount = bytes.Length;
    }

    /// <summary>
    /// Where the last sequence of <paramref name="piece"/> starts, if it needs more bytes than the piece holds;
    /// otherwise the piece's length. Looks back at most 3 bytes, past continuation bytes, for a lead byte.
    /// </summary>
    private static int IncompleteTailStart(ReadOnlySpan<byte> piece)
    {
        for (int back = 1; back <= 3 && back <= piece.Length; back++)
        {
            byte b = piece[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // a continuation byte: its lead is further back
            }

            int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? piece.Length - back : piece.Length;
        }

        return piece.Length;
    }
}
