using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SlackKit.SocketMode.Generators.Diagnostics;
using SlackKit.WebSockets.CodeFixes;

namespace SlackKit.SocketMode.CodeFixes
{
    /// <summary>SKSM006, when the class is not partial: adds the partial modifier.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeSlackAppPartialCodeFixProvider)), Shared]
    public sealed class MakeSlackAppPartialCodeFixProvider : NodeCodeFixProvider<TypeDeclarationSyntax>
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnsupportedAppClass);

        /// <inheritdoc/>
        protected override string Title(TypeDeclarationSyntax node) => $"Make '{node.Identifier.Text}' partial";

        /// <inheritdoc/>
        protected override bool CanFix(TypeDeclarationSyntax node, Diagnostic diagnostic) =>
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("not partial")
            && !node.Modifiers.Any(Microsoft.CodeAnalysis.CSharp.SyntaxKind.PartialKeyword);

        /// <inheritdoc/>
        protected override SyntaxNode Fix(TypeDeclarationSyntax node, Diagnostic diagnostic) => Syntax.WithPartial(node);
    }
}
