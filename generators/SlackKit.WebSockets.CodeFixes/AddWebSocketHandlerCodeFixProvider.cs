using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using SlackKit.WebSockets.Generators.Diagnostics;

namespace SlackKit.WebSockets.CodeFixes
{
    /// <summary>
    /// SKWS005: marks the class that holds a callback method with [WebSocketHandler], and makes it partial, so that
    /// the generator implements it.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddWebSocketHandlerCodeFixProvider)), Shared]
    public sealed class AddWebSocketHandlerCodeFixProvider : NodeCodeFixProvider<ClassDeclarationSyntax>
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.CallbackOutsideHandler);

        /// <inheritdoc/>
        protected override string Title(ClassDeclarationSyntax node) => $"Add [WebSocketHandler] to '{node.Identifier.Text}'";

        /// <inheritdoc/>
        protected override SyntaxNode Fix(ClassDeclarationSyntax node, Diagnostic diagnostic)
        {
            AttributeListSyntax attribute = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
                    SyntaxFactory.Attribute(SyntaxFactory.ParseName("global::SlackKit.WebSockets.WebSocketHandler"))))
                .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
            var updated = (ClassDeclarationSyntax)Syntax.WithPartial(node);
            SyntaxTriviaList leading = updated.GetLeadingTrivia();
            return updated.WithoutLeadingTrivia().AddAttributeLists(attribute).WithLeadingTrivia(leading);
        }
    }
}
