using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SlackKit.WebSockets.Generators.Tests;

/// <summary>
/// The pipeline does no work twice: an edit that does not change a handler leaves every tracked step cached, and
/// an edit to a handler's signature is seen.
/// </summary>
public class CachingTests
{
    private const string Handler = """
        using SlackKit.WebSockets;

        namespace Samples;

        [WebSocketHandler]
        public partial class Bot
        {
            [OnText] WebSocketFrame Echo(string text) => WebSocketFrame.Text(text);
            [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Reconnect;
        }
        """;

    private const string Unrelated = """
        namespace Samples;

        public static class Helpers
        {
            public static int Twice(int x) => 2 * x;
        }
        """;

    private static readonly string[] TrackedSteps = [TrackingNames.HandlerModels, TrackingNames.UsableHandlers];

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached()
    {
        GeneratorRunResult result = RunTwice(Handler, Unrelated, unrelated => unrelated.Replace("2 * x", "x + x"), treeToEdit: 1);

        AssertAllCachedOrUnchanged(result);
    }

    [Fact]
    public void Editing_a_method_body_leaves_every_step_cached()
    {
        GeneratorRunResult result = RunTwice(Handler, Unrelated, handler => handler.Replace("WebSocketFrame.Text(text)", "WebSocketFrame.Text(text + \"!\")"), treeToEdit: 0);

        AssertAllCachedOrUnchanged(result);
    }

    [Fact]
    public void Editing_a_handler_signature_modifies_the_model()
    {
        GeneratorRunResult result = RunTwice(Handler, Unrelated,
            handler => handler.Replace("WebSocketFrame Echo(string text) => WebSocketFrame.Text(text);", "void Echo(System.ReadOnlyMemory<byte> text) { }"),
            treeToEdit: 0);

        IncrementalStepRunReason reason = Assert.Single(result.TrackedSteps[TrackingNames.HandlerModels].SelectMany(s => s.Outputs)).Reason;
        Assert.Equal(IncrementalStepRunReason.Modified, reason);
        Assert.Contains("this.Echo(frame.Payload)", Assert.Single(result.GeneratedSources).SourceText.ToString());
    }

    private static GeneratorRunResult RunTwice(string handler, string unrelated, Func<string, string> edit, int treeToEdit)
    {
        CSharpCompilation first = GeneratorHarness.Compile(handler, unrelated);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(first);

        SyntaxTree old = first.SyntaxTrees.ElementAt(treeToEdit);
        SyntaxTree edited = CSharpSyntaxTree.ParseText(edit(old.ToString()), GeneratorHarness.ParseOptions, old.FilePath);
        Assert.NotEqual(old.ToString(), edited.ToString());
        CSharpCompilation second = first.ReplaceSyntaxTree(old, edited);

        return driver.RunGenerators(second).GetRunResult().Results.Single();
    }

    private static void AssertAllCachedOrUnchanged(GeneratorRunResult result)
    {
        foreach (string step in TrackedSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"step {step} was not tracked");
            foreach ((object _, IncrementalStepRunReason reason) in result.TrackedSteps[step].SelectMany(s => s.Outputs))
            {
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {step} ran again: {reason}");
            }
        }

        foreach ((object _, IncrementalStepRunReason reason) in result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs))
        {
            Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"the source output ran again: {reason}");
        }
    }
}
