using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using SlackKit.WebSockets.Generators.Diagnostics;

namespace SlackKit.WebSockets.CodeFixes
{
    /// <summary>SKWS006: <c>async void</c> becomes <c>async Task</c>, which the client awaits.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AsyncVoidCodeFixProvider)), Shared]
    public sealed class AsyncVoidCodeFixProvider : NodeCodeFixProvider<MethodDeclarationSyntax>
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.AsyncVoidHandler);

        /// <inheritdoc/>
        protected override string Title(MethodDeclarationSyntax node) => "Return Task instead of void";

        /// <inheritdoc/>
        protected override SyntaxNode Fix(MethodDeclarationSyntax node, Diagnostic diagnostic) =>
            node.WithReturnType(SyntaxFactory.ParseTypeName("global::System.Threading.Tasks.Task")
                .WithTriviaFrom(node.ReturnType)
                .WithAdditionalAnnotations(Simplifier.Annotation));
    }
}
