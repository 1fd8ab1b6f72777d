using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace SlackKit.WebSockets.CodeFixes
{
    /// <summary>
    /// SKWS005: marks the class that holds a callback method with [WebSocketHandler], and makes it partial, so that
    /// the generator implements it.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddWebSocketHandlerCodeFixProvider)), Shared]
    public sealed class AddWebSocketHandlerCodeFixProvider : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("SKWS005");

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root?.FindToken(context.Span.Start).Parent?.FirstAncestorOrSelf<ClassDeclarationSyntax>() is not { } declaration)
            {
                return;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Add [WebSocketHandler] to '{declaration.Identifier.Text}'",
                    cancellationToken => AddAttributeAsync(context.Document, root, declaration, cancellationToken),
                    equivalenceKey: nameof(AddWebSocketHandlerCodeFixProvider)),
                context.Diagnostics);
        }

        private static Task<Document> AddAttributeAsync(Document document, SyntaxNode root, ClassDeclarationSyntax declaration, CancellationToken cancellationToken)
        {
            AttributeListSyntax attribute = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
                    SyntaxFactory.Attribute(SyntaxFactory.ParseName("global::SlackKit.WebSockets.WebSocketHandler"))))
                .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
            var updated = (ClassDeclarationSyntax)Syntax.WithPartial(declaration);
            SyntaxTriviaList leading = updated.GetLeadingTrivia();
            updated = updated.WithoutLeadingTrivia().AddAttributeLists(attribute).WithLeadingTrivia(leading);
            return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(declaration, updated)));
        }
    }
}
