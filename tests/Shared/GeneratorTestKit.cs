using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SlackKit.GeneratorTesting;

/// <summary>
/// The checks every generator of this repository is held to, in one file linked into each generator's tests: golden
/// files compared line by line, models free of Roslyn objects, and steps that stay cached across unrelated edits.
/// </summary>
internal static class GeneratorTestKit
{
    /// <summary>Fails at the first line where <paramref name="actual"/> differs from the golden file's <paramref name="expected"/>.</summary>
    public static void AssertSameLines(string expected, string actual, string path, string updateHint)
    {
        string[] expectedLines = expected.Split('\n');
        string[] actualLines = actual.Split('\n');
        for (int i = 0; i < Math.Min(expectedLines.Length, actualLines.Length); i++)
        {
            Assert.True(expectedLines[i] == actualLines[i],
                $"{path}:{i + 1} differs.\n expected: {expectedLines[i]}\n   actual: {actualLines[i]}\n({updateHint} rewrites the golden files.)");
        }

        Assert.True(expectedLines.Length == actualLines.Length,
            $"{path}: expected {expectedLines.Length} lines, generated {actualLines.Length}.");
    }

    /// <summary>Walks every field of a model graph (records, arrays, equatable arrays) and fails on a symbol, node, compilation or location.</summary>
    public static void AssertHoldsNoRoslynObject(object model) =>
        AssertHoldsNoRoslynObject(model, model.GetType().Name, new HashSet<object>(ReferenceEqualityComparer.Instance));

    /// <summary>Runs <paramref name="driver"/> on <paramref name="first"/>, edits one tree, and runs it again: the second run's result.</summary>
    public static GeneratorRunResult RunTwice(GeneratorDriver driver, CSharpCompilation first, Func<string, string> edit, int treeToEdit, CSharpParseOptions parseOptions)
    {
        driver = driver.RunGenerators(first);
        SyntaxTree old = first.SyntaxTrees.ElementAt(treeToEdit);
        SyntaxTree edited = CSharpSyntaxTree.ParseText(edit(old.ToString()), parseOptions, old.FilePath);
        Assert.NotEqual(old.ToString(), edited.ToString());
        return driver.RunGenerators(first.ReplaceSyntaxTree(old, edited)).GetRunResult().Results.Single();
    }

    /// <summary>Every tracked step and the source output were cached or unchanged.</summary>
    public static void AssertAllCachedOrUnchanged(GeneratorRunResult result, IEnumerable<string> trackedSteps)
    {
        foreach (string step in trackedSteps)
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

    private static void AssertHoldsNoRoslynObject(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        Assert.False(value is ISymbol or SyntaxNode or Compilation or Location or SemanticModel or SyntaxTree,
            $"{path} holds a {value.GetType().Name}");
        if (!value.GetType().IsValueType && !seen.Add(value))
        {
            return;
        }

        if (value is System.Collections.IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items)
            {
                AssertHoldsNoRoslynObject(item, $"{path}[{i++}]", seen);
            }
        }

        foreach (System.Reflection.FieldInfo field in value.GetType().GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic))
        {
            AssertHoldsNoRoslynObject(field.GetValue(value), $"{path}.{field.Name}", seen);
        }
    }
}
