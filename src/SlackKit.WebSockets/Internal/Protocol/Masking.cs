using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SlackKit.WebSockets.Internal.Protocol;

/// <summary>The XOR mask of RFC 6455 §5.3, a vector at a time: in place, or while copying (one pass instead of two).</summary>
internal static class Masking
{
    /// <summary>
    /// Masks (or unmasks) <paramref name="data"/> in place with <paramref name="key"/> (the 4 key bytes as they are on
    /// the wire, read little-endian), where <paramref name="data"/> starts <paramref name="offset"/> bytes into the
    /// payload (a frame masked in several pieces).
    /// </summary>
    public static void Apply(Span<byte> data, uint key, long offset = 0) => CopyMasked(data, data, key, offset);

    /// <summary>
    /// Writes <paramref name="source"/>, masked as <see cref="Apply"/> masks, to the start of
    /// <paramref name="destination"/> (which may be <paramref name="source"/> itself, not another overlap of it).
    /// </summary>
    public static void CopyMasked(ReadOnlySpan<byte> source, Span<byte> destination, uint key, long offset = 0)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is shorter than the source.", nameof(destination));
        }

        // Rotate the key so that source[0] meets key byte (offset % 4): byte n of `rotated` (little-endian) then masks
        // byte n % 4 of every 4. `word` is those 4 bytes as a uint in this machine's order, to XOR 4 bytes at once.
        uint rotated = BitOperations.RotateRight(key, (int)(offset & 3) * 8);
        uint word = BitConverter.IsLittleEndian ? rotated : BinaryPrimitives.ReverseEndianness(rotated);
        ref byte from = ref MemoryMarshal.GetReference(source);
        ref byte to = ref MemoryMarshal.GetReference(destination);
        nuint length = (nuint)source.Length;
        nuint i = 0;

        // Every step is a multiple of 4 bytes, so the key lines up again after each.
        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<byte>.Count)
        {
            Vector256<byte> pattern = Vector256.Create(word).AsByte();
            for (nuint last = length - (nuint)Vector256<byte>.Count; i <= last; i += (nuint)Vector256<byte>.Count)
            {
                (Vector256.LoadUnsafe(ref from, i) ^ pattern).StoreUnsafe(ref to, i);
            }
        }

        if (Vector128.IsHardwareAccelerated && length - i >= (nuint)Vector128<byte>.Count)
        {
            Vector128<byte> pattern = Vector128.Create(word).AsByte();
            for (nuint last = length - (nuint)Vector128<byte>.Count; i <= last; i += (nuint)Vector128<byte>.Count)
            {
                (Vector128.LoadUnsafe(ref from, i) ^ pattern).StoreUnsafe(ref to, i);
            }
        }

        for (; length - i >= 4; i += 4)
        {
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, i), Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref from, i)) ^ word);
        }

        for (int k = 0; i < length; i++, k++)
        {
            Unsafe.Add(ref to, i) = (byte)(Unsafe.Add(ref from, i) ^ (byte)(rotated >> (k * 8)));
        }
    }
}
