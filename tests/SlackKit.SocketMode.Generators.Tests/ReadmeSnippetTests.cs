using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace SlackKit.SocketMode.Generators.Tests;

/// <summary>The README's Slack bot compiles as written, with its routes generated (the host line aside).</summary>
public class ReadmeSnippetTests
{
    [Fact]
    public void The_READMEs_Slack_bot_compiles_and_every_method_is_routed()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        int section = readme.IndexOf("\n## A Slack bot\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## A Slack bot' section");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        string block = readme[start..readme.IndexOf("\n```", start, StringComparison.Ordinal)];
        string bot = block[..block.IndexOf("\nbuilder.Services", StringComparison.Ordinal)]; // the host line needs a host

        (GeneratorRunResult result, Compilation output) = Harness.Run("""
            using System.Threading;
            using System.Threading.Tasks;
            using SlackKit.SocketMode;
            using SlackKit.SocketMode.Payloads;

            """ + bot);

        Assert.Empty(Harness.Problems(output));
        string routing = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains("case \"app_mention\":", routing);
        Assert.Contains("case \"/deploy\":", routing);
        Assert.Contains("case \"block_actions\":", routing);
    }

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}
