using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace SlackKit.WebSockets.Internal.Protocol;

/// <summary>The XOR mask of RFC 6455 §5.3, applied in place, a vector at a time.</summary>
internal static class Masking
{
    /// <summary>
    /// Masks (or unmasks) <paramref name="data"/> in place with <paramref name="key"/> (the 4 key bytes as they are on
    /// the wire, read little-endian), where <paramref name="data"/> starts <paramref name="offset"/> bytes into the
    /// payload (a frame masked in several pieces).
    /// </summary>
    public static void Apply(Span<byte> data, uint key, long offset = 0)
    {
        // Rotate the key so that data[0] meets key byte (offset % 4); byte n of `rotated` then masks data[n % 4].
        uint rotated = BitOperations.RotateRight(key, (int)(offset & 3) * 8);
        Span<byte> keyBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(keyBytes, rotated);

        int i = 0;
        if (Vector.IsHardwareAccelerated && data.Length >= Vector<byte>.Count)
        {
            Span<byte> repeated = stackalloc byte[Vector<byte>.Count];
            for (int b = 0; b < repeated.Length; b++)
            {
                repeated[b] = keyBytes[b & 3];
            }

            var pattern = new Vector<byte>(repeated);
            Span<Vector<byte>> vectors = MemoryMarshal.Cast<byte, Vector<byte>>(data);
            for (int v = 0; v < vectors.Length; v++)
            {
                vectors[v] ^= pattern;
            }

            i = vectors.Length * Vector<byte>.Count; // a multiple of 4: the key lines up again
        }

        uint word = MemoryMarshal.Read<uint>(keyBytes); // the 4 key bytes in memory order
        Span<uint> words = MemoryMarshal.Cast<byte, uint>(data[i..]);
        for (int w = 0; w < words.Length; w++)
        {
            words[w] ^= word;
        }

        i += words.Length * 4;
        for (int k = 0; i < data.Length; i++, k++)
        {
            data[i] ^= keyBytes[k];
        }
    }
}
