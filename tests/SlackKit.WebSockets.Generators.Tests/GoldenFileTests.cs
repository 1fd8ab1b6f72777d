using SlackKit.GeneratorTesting;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace SlackKit.WebSockets.Generators.Tests;

/// <summary>
/// The generated source of each <see cref="HandlerCases"/> entry against its checked-in golden file in Baselines/.
/// To accept a change of output, run the tests with SKWS_UPDATE_BASELINES=1, then read the diff before committing.
/// </summary>
public class GoldenFileTests
{
    private static readonly bool Update = Environment.GetEnvironmentVariable("SKWS_UPDATE_BASELINES") == "1";

    [Theory]
    [MemberData(nameof(HandlerCases.Names), MemberType = typeof(HandlerCases))]
    public void Generated_source_matches_the_golden_file(string name)
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(HandlerCases.All[name]);

        Assert.Null(result.Exception);
        Assert.NotEmpty(result.GeneratedSources);
        string actual = WithoutVersion(string.Join("\n// ----\n", result.GeneratedSources
            .OrderBy(s => s.HintName, StringComparer.Ordinal)
            .Select(s => $"// {s.HintName}\n{s.SourceText}")));

        string path = Path.Combine(BaselineDirectory(), name + ".g.cs");
        if (Update)
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"No golden file {path}; run the tests with SKWS_UPDATE_BASELINES=1 to write it.");
        string expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        GeneratorTestKit.AssertSameLines(expected, actual, path, "SKWS_UPDATE_BASELINES=1");
    }

    [Theory]
    [MemberData(nameof(HandlerCases.Names), MemberType = typeof(HandlerCases))]
    public void Generated_source_compiles_without_warnings(string name)
    {
        (_, Compilation output) = GeneratorHarness.Run(HandlerCases.All[name]);

        Assert.Empty(GeneratorHarness.Problems(output));
    }

    [Fact]
    public void Generated_code_is_marked_with_the_generators_own_version()
    {
        string source = GeneratorHarness.Run(HandlerCases.All["EchoBot"]).Result.GeneratedSources[0].SourceText.ToString();

        Assert.Contains($"[global::System.CodeDom.Compiler.GeneratedCode(\"SlackKit.WebSockets.Generators\", \"{GeneratorVersion}\")]", source);
    }

    /// <summary>The golden files say <c>{version}</c> where the generator writes its version, so a release does not rewrite them.</summary>
    private static string WithoutVersion(string generated) =>
        generated.Replace($"\"SlackKit.WebSockets.Generators\", \"{GeneratorVersion}\"", "\"SlackKit.WebSockets.Generators\", \"{version}\"", StringComparison.Ordinal);

    private static string GeneratorVersion => typeof(WebSocketHandlerGenerator).Assembly.GetName().Version!.ToString();

    [Fact]
    public void Generated_source_is_deterministic()
    {
        string first = GeneratorHarness.Run(HandlerCases.All["AsynchronousShapes"]).Result.GeneratedSources[0].SourceText.ToString();
        string second = GeneratorHarness.Run(HandlerCases.All["AsynchronousShapes"]).Result.GeneratedSources[0].SourceText.ToString();

        Assert.Equal(first, second);
    }

    private static string BaselineDirectory([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "Baselines");
}
