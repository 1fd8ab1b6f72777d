using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SlackKit.WebSockets.Generators.Diagnostics;

namespace SlackKit.WebSockets.CodeFixes
{
    /// <summary>SKWS002: adds the partial modifier to the declaration the diagnostic points at.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider)), Shared]
    public sealed class MakePartialCodeFixProvider : NodeCodeFixProvider<TypeDeclarationSyntax>
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NotPartial);

        /// <inheritdoc/>
        protected override string Title(TypeDeclarationSyntax node) => $"Make '{node.Identifier.Text}' partial";

        /// <inheritdoc/>
        protected override SyntaxNode Fix(TypeDeclarationSyntax node, Diagnostic diagnostic) => Syntax.WithPartial(node);
    }
}
