using System.Text;
using SlackKit.WebSockets.Internal.Protocol;

namespace SlackKit.WebSockets.Tests.Protocol;

/// <summary>UTF-8 checked piece by piece, failing at the first piece that holds an invalid byte (RFC 6455 §8.1).</summary>
public class Utf8ValidatorTests
{
    private static readonly string[] ValidTexts =
    [
        "", "plain ascii", "héllo", "κόσμε", "日本語テキスト", "emoji 😀 and 𝄞 (four bytes)", "\u0080\u07FF\u0800\uFFFF", "\U0010FFFF",
    ];

    [Fact]
    public void Valid_text_is_valid_however_it_is_cut_into_two_or_three_pieces()
    {
        foreach (string text in ValidTexts)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            for (int a = 0; a <= bytes.Length; a++)
            {
                for (int b = a; b <= bytes.Length; b++)
                {
                    var validator = new Utf8Validator();
                    Assert.True(validator.TryAdvance(bytes.AsSpan(0, a)), $"{text} [..{a}]");
                    Assert.True(validator.TryAdvance(bytes.AsSpan(a, b - a)), $"{text} [{a}..{b}]");
                    Assert.True(validator.TryAdvance(bytes.AsSpan(b)), $"{text} [{b}..]");
                    Assert.False(validator.InsideSequence, text);
                }
            }
        }
    }

    [Theory]
    [InlineData("F4 90 80 80", 1)] // past U+10FFFF: invalid at its second byte
    [InlineData("ED A0 80", 1)] // a surrogate
    [InlineData("E0 80 80", 1)] // an overlong form
    [InlineData("F0 80 80 80", 1)] // an overlong form
    [InlineData("C0 80", 0)] // never valid
    [InlineData("C1 BF", 0)]
    [InlineData("F5 80 80 80", 0)]
    [InlineData("FF", 0)]
    [InlineData("80", 0)] // a continuation byte with no lead
    [InlineData("C3 28", 1)] // a lead byte followed by no continuation
    [InlineData("E2 82 28", 2)]
    public void An_invalid_sequence_fails_in_the_piece_that_brings_its_first_invalid_byte_before_the_rest_arrives(string hex, int invalidAt)
    {
        byte[] valid = Encoding.UTF8.GetBytes("κόσμε");
        byte[] bad = Convert.FromHexString(hex.Replace(" ", string.Empty));

        // Byte by byte after a valid start (Autobahn 6.4.1-6.4.4): every piece before the invalid byte is accepted.
        var validator = new Utf8Validator();
        Assert.True(validator.TryAdvance(valid));
        for (int i = 0; i < invalidAt; i++)
        {
            Assert.True(validator.TryAdvance(bad.AsSpan(i, 1)), $"byte {i} of {hex} failed too early");
        }

        Assert.False(validator.TryAdvance(bad.AsSpan(invalidAt, 1)), $"byte {invalidAt} of {hex} passed");

        // All at once, or in the middle of a longer piece.
        Assert.False(new Utf8Validator().TryAdvance([.. valid, .. bad, .. "more"u8]));
    }

    [Fact]
    public void A_message_may_not_end_inside_a_sequence()
    {
        var validator = new Utf8Validator();
        Assert.True(validator.TryAdvance([0xE2, 0x82]));
        Assert.True(validator.InsideSequence);
        Assert.True(validator.TryAdvance([0xAC])); // €
        Assert.False(validator.InsideSequence);
    }
}
