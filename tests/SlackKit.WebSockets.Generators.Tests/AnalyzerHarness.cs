using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SlackKit.WebSockets.Generators.Diagnostics.Analyzers;

namespace SlackKit.WebSockets.Generators.Tests;

/// <summary>Runs every analyzer of the package over a compilation, as the IDE and the build do.</summary>
internal static class AnalyzerHarness
{
    public static readonly ImmutableArray<DiagnosticAnalyzer> All =
    [
        new MissingOnDisconnectAnalyzer(),
        new HandlerClassAnalyzer(),
        new HandlerSignatureAnalyzer(),
        new DuplicateCallbackAnalyzer(),
        new CallbackOutsideHandlerAnalyzer(),
        new BlockingCallAnalyzer(),
    ];

    public static Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation) =>
        compilation.WithAnalyzers(All).GetAnalyzerDiagnosticsAsync();
}
