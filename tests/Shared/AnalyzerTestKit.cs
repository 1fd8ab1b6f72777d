using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace SlackKit.GeneratorTesting;

/// <summary>
/// Runs analyzers and code fixes over markup sources with the net10.0 reference assemblies and the given runtime
/// assemblies: everything is local, nothing is downloaded. Linked into each generator's tests.
/// </summary>
internal static class AnalyzerTestKit
{
    private static readonly ReferenceAssemblies NoDownload = new("net10.0");

    public static Task AnalyzerAsync<TAnalyzer>(string source, IEnumerable<MetadataReference> runtime, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { TestCode = source, ReferenceAssemblies = NoDownload };
        AddReferences(test.TestState, runtime);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    public static Task CodeFixAsync<TAnalyzer, TCodeFix>(string source, string fixedSource, IEnumerable<MetadataReference> runtime)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier> { TestCode = source, FixedCode = fixedSource, ReferenceAssemblies = NoDownload };
        AddReferences(test.TestState, runtime);
        AddReferences(test.FixedState, runtime);
        return test.RunAsync();
    }

    private static void AddReferences(SolutionState state, IEnumerable<MetadataReference> runtime)
    {
        state.AdditionalReferences.AddRange(Net100.References.All);
        state.AdditionalReferences.AddRange(runtime);
    }
}
