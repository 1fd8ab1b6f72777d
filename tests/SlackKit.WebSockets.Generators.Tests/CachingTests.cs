using SlackKit.GeneratorTesting;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SlackKit.WebSockets.Generators.Model;

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

    [Fact]
    public void A_new_handler_class_is_New_and_the_others_stay_cached()
    {
        CSharpCompilation first = GeneratorHarness.Compile(Handler, Unrelated);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(first);
        const string Another = """
            using SlackKit.WebSockets;

            namespace Samples;

            [WebSocketHandler]
            public partial class Another
            {
                [OnBinary] void Data(System.ReadOnlyMemory<byte> data) { }
            }
            """;

        GeneratorRunResult result = driver
            .RunGenerators(first.AddSyntaxTrees(CSharpSyntaxTree.ParseText(Another, GeneratorHarness.ParseOptions, "Another.cs")))
            .GetRunResult().Results.Single();

        var reasons = result.TrackedSteps[TrackingNames.HandlerModels]
            .SelectMany(step => step.Outputs)
            .Select(output => (Name: ((HandlerClassModel?)output.Value)?.FullName, output.Reason))
            .ToList();
        Assert.Equal(("Samples.Another", IncrementalStepRunReason.New), Assert.Single(reasons, r => r.Reason == IncrementalStepRunReason.New));
        Assert.All(reasons.Where(r => r.Name != "Samples.Another"), r => Assert.True(r.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{r.Name}: {r.Reason}"));
        Assert.Equal(2, result.GeneratedSources.Length);
    }

    [Theory]
    [MemberData(nameof(HandlerCases.Names), MemberType = typeof(HandlerCases))]
    public void No_model_holds_a_symbol_syntax_node_compilation_or_location(string name)
    {
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(GeneratorHarness.Compile(HandlerCases.All[name]));
        object[] models = [.. driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.HandlerModels]
            .SelectMany(step => step.Outputs)
            .Select(output => output.Value)];

        Assert.NotEmpty(models);
        foreach (object model in models)
        {
            GeneratorTestKit.AssertHoldsNoRoslynObject(model);
        }
    }

    private static GeneratorRunResult RunTwice(string handler, string unrelated, Func<string, string> edit, int treeToEdit) =>
        GeneratorTestKit.RunTwice(GeneratorHarness.CreateDriver(trackSteps: true), GeneratorHarness.Compile(handler, unrelated), edit, treeToEdit, GeneratorHarness.ParseOptions);

    private static void AssertAllCachedOrUnchanged(GeneratorRunResult result) => GeneratorTestKit.AssertAllCachedOrUnchanged(result, TrackedSteps);
}
