using SlackKit.GeneratorTesting;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace SlackKit.WebSockets.Generators.Tests.Analyzers;

/// <summary>
/// Runs analyzers and code fixes over markup sources (<c>{|SKWS001:Bot|}</c>) with the net10.0 reference assemblies
/// and the runtime: everything is local, nothing is downloaded.
/// </summary>
internal static class Verifier
{
    private static readonly MetadataReference[] Runtime =
    [
        MetadataReference.CreateFromFile(typeof(WebSocketFrame).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Hosting.WebSocketClientService<>).Assembly.Location),
    ];

    public static Task AnalyzerAsync<TAnalyzer>(string source, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new() =>
        AnalyzerTestKit.AnalyzerAsync<TAnalyzer>(source, Runtime, expected);

    public static Task CodeFixAsync<TAnalyzer, TCodeFix>(string source, string fixedSource)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new() =>
        AnalyzerTestKit.CodeFixAsync<TAnalyzer, TCodeFix>(source, fixedSource, Runtime);

    public static DiagnosticResult Diagnostic(string id) => new DiagnosticResult(id, DiagnosticSeverity.Warning);
}
