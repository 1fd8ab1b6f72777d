using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using SlackKit.GeneratorTesting;
using SlackKit.SocketMode.Generators.Model;

namespace SlackKit.SocketMode.Generators.Tests;

/// <summary>
/// The generated routing of each <see cref="SlackAppCases"/> entry against its golden file in Baselines/ (run with
/// SKSM_UPDATE_BASELINES=1 to accept a change, then read the diff), and the pipeline's caching.
/// </summary>
public class GeneratorTests
{
    private static readonly bool Update = Environment.GetEnvironmentVariable("SKSM_UPDATE_BASELINES") == "1";

    private static readonly string[] TrackedSteps = [TrackingNames.SlackAppModels, TrackingNames.UsableSlackApps];

    private const string Unrelated = """
        namespace Samples;

        public static class Helpers
        {
            public static int Twice(int x) => 2 * x;
        }
        """;

    [Theory]
    [MemberData(nameof(SlackAppCases.Names), MemberType = typeof(SlackAppCases))]
    public void Generated_source_matches_the_golden_file(string name)
    {
        (GeneratorRunResult result, _) = Harness.Run(SlackAppCases.All[name]);

        Assert.Null(result.Exception);
        string actual = string.Join("\n// ----\n", result.GeneratedSources
            .OrderBy(s => s.HintName, StringComparer.Ordinal)
            .Select(s => $"// {s.HintName}\n{s.SourceText}"))
            .Replace($"\"SlackKit.SocketMode.Generators\", \"{typeof(SlackAppGenerator).Assembly.GetName().Version}\"", "\"SlackKit.SocketMode.Generators\", \"{version}\"", StringComparison.Ordinal);

        string path = Path.Combine(BaselineDirectory(), name + ".g.cs");
        if (Update)
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"No golden file {path}; run the tests with SKSM_UPDATE_BASELINES=1 to write it.");
        GeneratorTestKit.AssertSameLines(File.ReadAllText(path).ReplaceLineEndings("\n"), actual, path, "SKSM_UPDATE_BASELINES=1");
    }

    [Theory]
    [MemberData(nameof(SlackAppCases.Names), MemberType = typeof(SlackAppCases))]
    public void Generated_source_compiles_without_warnings(string name)
    {
        Compilation output = Harness.RunWithJsonGenerator(SlackAppCases.All[name]); // a case may bring its own JsonSerializerContext

        Assert.Empty(Harness.Problems(output));
    }

    [Fact]
    public void A_route_the_generator_cannot_call_is_left_out_for_the_analyzer_to_report()
    {
        (GeneratorRunResult result, Compilation output) = Harness.Run("""
            using SlackKit.SocketMode;

            [SlackApp]
            public partial class Bot
            {
                [SlackEvent("app_mention")] int Wrong(string text) => 0;
                [SlashCommand("/ok")] SlackResponse Ok() => SlackResponse.Ephemeral("ok");
            }
            """);

        string source = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.DoesNotContain("Wrong(", source);
        Assert.Contains("Ok()", source);
        Assert.Empty(Harness.Problems(output));
    }

    [Fact]
    public void A_class_that_is_not_partial_gets_nothing_generated()
    {
        (GeneratorRunResult result, _) = Harness.Run("""
            using SlackKit.SocketMode;

            [SlackApp]
            public class Bot
            {
                [SlashCommand("/ok")] SlackResponse Ok() => SlackResponse.Ephemeral("ok");
            }
            """);

        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached()
    {
        GeneratorRunResult result = GeneratorTestKit.RunTwice(Harness.CreateDriver(trackSteps: true), Harness.Compile(SlackAppCases.All["DeployBot"], Unrelated),
            unrelated => unrelated.Replace("2 * x", "x + x"), treeToEdit: 1, Harness.ParseOptions);

        GeneratorTestKit.AssertAllCachedOrUnchanged(result, TrackedSteps);
    }

    [Fact]
    public void Editing_a_method_body_leaves_every_step_cached()
    {
        GeneratorRunResult result = GeneratorTestKit.RunTwice(Harness.CreateDriver(trackSteps: true), Harness.Compile(SlackAppCases.All["DeployBot"], Unrelated),
            bot => bot.Replace("$\"deploying {command.Text}\"", "$\"deploying {command.Text} now\""), treeToEdit: 0, Harness.ParseOptions);

        GeneratorTestKit.AssertAllCachedOrUnchanged(result, TrackedSteps);
    }

    [Fact]
    public void Editing_a_route_modifies_the_model()
    {
        GeneratorRunResult result = GeneratorTestKit.RunTwice(Harness.CreateDriver(trackSteps: true), Harness.Compile(SlackAppCases.All["DeployBot"], Unrelated),
            bot => bot.Replace("[SlashCommand(\"/deploy\")]", "[SlashCommand(\"/ship\")]"), treeToEdit: 0, Harness.ParseOptions);

        IncrementalStepRunReason reason = Assert.Single(result.TrackedSteps[TrackingNames.SlackAppModels].SelectMany(s => s.Outputs)).Reason;
        Assert.Equal(IncrementalStepRunReason.Modified, reason);
        Assert.Contains("case \"/ship\":", Assert.Single(result.GeneratedSources).SourceText.ToString());
    }

    [Theory]
    [MemberData(nameof(SlackAppCases.Names), MemberType = typeof(SlackAppCases))]
    public void No_model_holds_a_symbol_syntax_node_compilation_or_location(string name)
    {
        GeneratorDriver driver = Harness.CreateDriver(trackSteps: true).RunGenerators(Harness.Compile(SlackAppCases.All[name]));
        object[] models = [.. driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.SlackAppModels]
            .SelectMany(step => step.Outputs).Select(output => output.Value)];

        Assert.NotEmpty(models);
        Assert.All(models, model => Assert.IsType<SlackAppModel>(model));
        Assert.All(models, GeneratorTestKit.AssertHoldsNoRoslynObject);
    }

    private static string BaselineDirectory([CallerFilePath] string thisFile = "") => Path.Combine(Path.GetDirectoryName(thisFile)!, "Baselines");
}
